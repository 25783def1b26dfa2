/**
 * The web-platform globals the language core may use, for its layer check alone
 * (server/src/service/tsconfig.json): Node and browsers both have them, and the check
 * leaves Node's own types out so that nothing else slips in.
 */
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
