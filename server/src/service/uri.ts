/** File paths of `file:` URIs; other schemes keep the URI itself as a name. */
export function uriToPath(uri: string): string {
  if (!uri.startsWith('file://')) return uri;
  return decodeURIComponent(uri.slice('file://'.length).replace(/^\/\/[^/]*/, ''));
}

export function pathToUri(path: string): string {
  return 'file://' + path.split('/').map(encodeURIComponent).join('/');
}
