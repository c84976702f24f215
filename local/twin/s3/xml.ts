/** S3's restXml replies. */
import type { Reply } from '../core/http';

const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
/** `<tag>escaped text</tag>` */
export const t = (tag: string, text: string | number | boolean) => `<${tag}>${esc(String(text))}</${tag}>`;
export const iso = (ms: number) => new Date(ms).toISOString();

export function xmlReply(root: string, inner: string, status = 200, headers: Record<string, string> = {}): Reply {
  const ns = root === 'Error' ? '' : ` xmlns="${S3_NS}"`;
  return {
    status,
    headers: { 'content-type': 'application/xml', ...headers },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${ns}>${inner}</${root}>`,
  };
}

