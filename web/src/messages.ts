import type { ClientOnlyCode, ErrorCode } from '@red-packet/sdk';
import { RedPacketError } from '@red-packet/sdk';
import { errorText, t } from './i18n.js';

/** What a person reads for an error, in the page's language (locales/*.ts hold the texts). */
export function describeError(err: unknown): string {
  // Risk refusals and bans explain themselves (which limit, until when, why).
  if (err instanceof RedPacketError && err.details.reason !== undefined)
    return `${errorText(err.code)} (${err.details.reason})`;
  // Content screening says which word list refused the text (never which word).
  if (err instanceof RedPacketError && err.details.list !== undefined)
    return `${errorText(err.code)} (${t('content.list', { list: err.details.list })})`;
  if (err instanceof RedPacketError && err.details.limit !== undefined)
    return `${errorText(err.code)} (${err.message})`;
  if (err instanceof RedPacketError) return errorText(err.code);
  if (err instanceof Error) return err.message;
  return String(err);
}

export function textFor(code: ErrorCode | ClientOnlyCode): string {
  return errorText(code);
}
