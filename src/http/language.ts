// The language of an express request: `?lang=` first, then Accept-Language (i18n's rule). Pure.
import type { Request } from 'express';
import { pickLanguage, type Language } from '../i18n/catalogue.js';

export function requestLanguage(req: Request): Language {
  return pickLanguage(req.query.lang, req.headers['accept-language']);
}
