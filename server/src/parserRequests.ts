import { Connection, ErrorCodes, ResponseError } from 'vscode-languageserver';
import type { DiagnosticsPublisher } from './diagnosticsPublisher';
import { PARSER_MESSAGES_REQUEST, ParserMessagesParams, ParserMessagesResult } from './protocol';
import type { ParserMessage } from './service/parserMessages';
import type { ParserIdentity } from './service/placeParserRun';

/** `apparmor/parserMessages` (see protocol.ts): the client's parser runs, published by the server. */
export function registerParserRequests(connection: Connection, publisher: DiagnosticsPublisher): void {
  connection.onRequest(PARSER_MESSAGES_REQUEST, (params: unknown): ParserMessagesResult => {
    const p = checkParams(params);
    const shown = publisher.showRun(p.uri, p.messages.map(toMessage), toIdentity(p.parser));
    if (shown === undefined) throw invalid(`${PARSER_MESSAGES_REQUEST}: ${p.uri} is not open`);
    return { shown };
  });
}

function toMessage(m: ParserMessagesParams['messages'][number]): ParserMessage {
  return { severity: m.severity, message: m.message, ...(m.file !== undefined ? { file: m.file } : {}), ...(m.line !== undefined ? { line: m.line } : {}) };
}

function toIdentity(p: ParserMessagesParams['parser']): ParserIdentity {
  return { ...(p?.version ? { version: p.version } : {}), ...(p?.path ? { path: p.path } : {}), ...(p?.where ? { where: p.where } : {}) };
}

function invalid(message: string): ResponseError {
  return new ResponseError(ErrorCodes.InvalidParams, message);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optional = (v: unknown, type: string): boolean => v === undefined || typeof v === type;

function isMessage(m: unknown): boolean {
  return isRecord(m) && (m.severity === 'error' || m.severity === 'warning') && typeof m.message === 'string'
    && optional(m.file, 'string') && (m.line === undefined || (Number.isInteger(m.line) && (m.line as number) > 0));
}

function checkParams(params: unknown): ParserMessagesParams {
  const shape = `${PARSER_MESSAGES_REQUEST} needs {"uri": string, "messages": [{"severity": "error"|"warning", "message": string, "file"?: string, "line"?: number}], "parser"?: {"version"?, "path"?, "where"?: string}}`;
  if (!isRecord(params) || typeof params.uri !== 'string' || !Array.isArray(params.messages) || !params.messages.every(isMessage)) throw invalid(shape);
  const parser = params.parser;
  if (parser !== undefined && !(isRecord(parser) && optional(parser.version, 'string') && optional(parser.path, 'string') && optional(parser.where, 'string'))) throw invalid(shape);
  return params as unknown as ParserMessagesParams;
}
