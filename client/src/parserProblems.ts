import type * as vscode from 'vscode';
import { PARSER_MESSAGES_REQUEST, ParserMessagesParams, ParserMessagesResult } from '../../server/src/protocol';
import { type ParserMessage, parseParserOutput } from '../../server/src/service/parserMessages';

/** Sends a request of the extension's own to the language server. */
export type ServerRequest = <R>(method: string, params: unknown) => Promise<R>;

/**
 * apparmor_parser's messages from the commands, handed to the language server, which
 * publishes them with its own diagnostics (and with its own check on save): one owner of
 * parser output, so Problems never lists the parser's words twice. The extension only reads
 * the output into messages (the core's parserMessages.ts); placing and publishing are the server's.
 */
export class ParserProblems {
  constructor(private readonly request: ServerRequest) {}

  /** Replaces the last run's entries on this document; returns how many there are, or undefined when the server could not take them. */
  show(uri: vscode.Uri, output: string): Promise<number | undefined> {
    return this.showMessages(uri, parseParserOutput(output));
  }

  /** The same, from messages already read (and placed, for a target's parser). */
  async showMessages(uri: vscode.Uri, messages: readonly ParserMessage[], where?: string): Promise<number | undefined> {
    const params: ParserMessagesParams = { uri: uri.toString(), messages: [...messages], ...(where ? { parser: { where } } : {}) };
    try {
      return (await this.request<ParserMessagesResult>(PARSER_MESSAGES_REQUEST, params)).shown;
    } catch {
      return undefined;
    }
  }
}
