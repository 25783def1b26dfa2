import type { TextDocumentContentChangeEvent, TextDocumentsConfiguration } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextEdit } from './service/reparse';

/** Told of every document update: the versions it goes between, and its one edit when it made just one. */
export type EditListener = (uri: string, fromVersion: number, toVersion: number, edit: TextEdit | undefined) => void;

/**
 * TextDocument's own create and update, telling `listener` what each update changed, in
 * offsets of the text before it, so an analysis can re-read only the edited stretch.
 */
export function trackEdits(listener: EditListener): TextDocumentsConfiguration<TextDocument> {
  return {
    create: TextDocument.create,
    update: (doc, changes, version) => {
      const from = doc.version;
      const edit = changes.length === 1 ? offsetsOf(doc, changes[0]!) : undefined;
      const updated = TextDocument.update(doc, changes, version);
      listener(doc.uri, from, version, edit);
      return updated;
    },
  };
}

function offsetsOf(doc: TextDocument, change: TextDocumentContentChangeEvent): TextEdit | undefined {
  if (!('range' in change)) return undefined;
  const offset = doc.offsetAt(change.range.start);
  return { offset, removed: doc.offsetAt(change.range.end) - offset, inserted: change.text };
}
