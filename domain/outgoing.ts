/**
 * What every e-mail to a lead carries besides its content, as pure functions: tracked links and
 * an open pixel (R12: interest shows in actions), and for marketing e-mail the footer with the
 * sender's identity and postal address and the unsubscribe link (RFC 8058 one-click).
 */
import { escapeHtml, type EmailContent } from './emails';

export interface TrackingUrls {
  /** The tracked URL for the i-th distinct link of the e-mail. */
  click: (index: number) => string;
  open: string;
}

/**
 * Rewrites every http(s) link of the HTML part (and the same URLs in the text part) to its tracked
 * URL and adds the open pixel. Returns the original links in order: a click can only ever redirect
 * to one of them (no open redirect).
 */
export function instrument(content: EmailContent, urls: TrackingUrls): EmailContent & { links: string[] } {
  const links: string[] = [];
  const indexOf = (url: string) => {
    const known = links.indexOf(url);
    return known >= 0 ? known : links.push(url) - 1;
  };
  const html = content.html.replace(/href="(https?:\/\/[^"]+)"/g, (_, escaped: string) => {
    const url = escaped.replace(/&amp;/g, '&');
    return `href="${escapeHtml(urls.click(indexOf(url)))}"`;
  });
  let text = content.text;
  for (const [i, url] of links.entries()) text = text.split(url).join(urls.click(i));
  const pixel = `<img src="${escapeHtml(urls.open)}" width="1" height="1" alt="" style="display:block;border:0">`;
  return { ...content, html: `${html}\n${pixel}`, text, links };
}

export interface Sender {
  senderIdentity: string;
  postalAddress: string;
}

/** Appends the footer every marketing e-mail must have: who sends it, from where, and how to stop it. */
export function withMarketingFooter(content: EmailContent, sender: Sender, unsubscribeUrl: string): EmailContent {
  const line = `You get this e-mail from ${sender.senderIdentity}, ${sender.postalAddress}.`;
  return {
    ...content,
    text: `${content.text}\n--\n${line}\nUnsubscribe: ${unsubscribeUrl}\n`,
    html: `${content.html}\n<hr><p style="font-size:12px;color:#666">${escapeHtml(line)}<br><a href="${escapeHtml(unsubscribeUrl)}">Unsubscribe</a></p>`,
  };
}

/** RFC 2369 and RFC 8058 headers: mail clients show an unsubscribe button that POSTs without a login. */
export function unsubscribeHeaders(unsubscribeUrl: string, mailto?: string): Record<string, string> {
  return {
    'List-Unsubscribe': [`<${unsubscribeUrl}>`, ...(mailto ? [`<mailto:${mailto}?subject=unsubscribe>`] : [])].join(
      ', ',
    ),
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}
