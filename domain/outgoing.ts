/**
 * What every e-mail to a lead carries besides its content, as pure functions: tracked links and
 * an open pixel (R12: interest shows in actions), and for marketing e-mail the footer with the
 * sender's identity and postal address and the unsubscribe link (RFC 8058 one-click).
 */
import { escapeHtml, htmlText, inlineUrl, textLines, type EmailContent } from './emails';
import { directionOf, text } from './i18n';

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

/** Appends the footer every marketing e-mail must have, in the e-mail's language: who sends it, from where, and how to stop it. */
export function withMarketingFooter(content: EmailContent, sender: Sender, unsubscribeUrl: string): EmailContent {
  const locale = content.language ?? 'en';
  const line = text(locale, 'footer.sender', { sender: sender.senderIdentity, address: sender.postalAddress });
  const unsubscribe = text(locale, 'footer.unsubscribe');
  return {
    ...content,
    text: `${content.text}\n${textLines(`--\n${line}\n${unsubscribe}: ${inlineUrl(unsubscribeUrl, locale)}`, locale)}\n`,
    html: `${content.html}\n<hr><p style="font-size:12px;color:#666">${htmlText(line)}<br><a href="${escapeHtml(unsubscribeUrl)}">${htmlText(unsubscribe)}</a></p>`,
  };
}

/**
 * The e-mail as sent: the HTML part a whole document whose root names its language and direction
 * (`<html lang="fa" dir="rtl">`), and the Content-Language header (RFC 3282) on every e-mail.
 */
export function finished(content: EmailContent): EmailContent & { headers: Record<string, string> } {
  const locale = content.language ?? 'en';
  const dir = directionOf(locale);
  return {
    ...content,
    language: locale,
    html: `<!doctype html>
<html lang="${locale}" dir="${dir}"><head><meta charset="utf-8"><title>${htmlText(content.subject)}</title></head>
<body style="font-family:system-ui,sans-serif;text-align:${dir === 'rtl' ? 'right' : 'left'}">
${content.html}
</body></html>`,
    headers: { 'Content-Language': locale },
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
