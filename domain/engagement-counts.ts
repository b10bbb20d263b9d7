/**
 * Engagement that counts once (issue 15): which hits on a tracked e-mail are a person. Mail-image
 * proxies and link scanners fetch every pixel and link of a message, often within seconds of
 * delivery; counting them manufactures MQLs. A hit judged a machine is still kept as a touch (the
 * timeline shows it, with why) but scores nothing; repeats are left to the scoring model (the first
 * open of an e-mail counts, a link's clicks once a day). Pure.
 */

/** Hits sooner than this after the provider accepted the e-mail are a machine's: no person opens that fast. */
export const HUMAN_DELAY_SECONDS = 10;

/**
 * User agents of known mail proxies and security scanners, matched case-insensitively. A proxy that
 * fetches only when its user opens the message (Gmail's) still counts as a machine here: it also
 * pre-fetches, and the first human open of the same e-mail would add nothing anyway.
 */
export const MACHINE_SIGNATURES: readonly { pattern: RegExp; label: string }[] = [
  { pattern: /GoogleImageProxy|ggpht\.com/i, label: 'Gmail image proxy' },
  { pattern: /YahooMailProxy/i, label: 'Yahoo mail proxy' },
  { pattern: /Barracuda/i, label: 'Barracuda scanner' },
  { pattern: /Mimecast/i, label: 'Mimecast scanner' },
  { pattern: /Proofpoint|ppops/i, label: 'Proofpoint scanner' },
  { pattern: /Symantec|MessageLabs|Broadcom/i, label: 'Symantec scanner' },
  { pattern: /Trend ?Micro/i, label: 'Trend Micro scanner' },
  { pattern: /Cisco|IronPort/i, label: 'Cisco scanner' },
  { pattern: /SafeLinks|Microsoft Office Protocol Discovery|ms-office/i, label: 'Microsoft link scanner' },
  {
    pattern: /\b(bot|crawler|spider|scanner|python-requests|curl|wget|Go-http-client|HeadlessChrome)\b/i,
    label: 'automated client',
  },
];

export interface Hit {
  /** The HTTP method: a HEAD fetches headers only, as link scanners do. */
  method: string;
  userAgent: string | undefined;
  /** When the e-mail was accepted by the provider; null while its send is not yet recorded. */
  sentAt: number | null;
  at: number;
}

/** Why a hit on a tracked e-mail scores nothing, or null when it is a person's. */
export function machineHit(hit: Hit): string | null {
  if (hit.method === 'HEAD') return 'HEAD request (a link scanner)';
  const signature = MACHINE_SIGNATURES.find((s) => s.pattern.test(hit.userAgent ?? ''));
  if (signature) return `${signature.label} (user agent)`;
  if (hit.sentAt === null || hit.at - hit.sentAt < HUMAN_DELAY_SECONDS * 1000)
    return `within ${HUMAN_DELAY_SECONDS} s of delivery`;
  return null;
}
