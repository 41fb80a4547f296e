export { decodeScan, type DecodeOptions, type ScanKind, type ScanResult } from './scan-decode';
export {
  candidatesForNdc10,
  layoutsPossibleFor,
  ndcFromNdc10Digits,
  ndcKey,
  normalizeNdc,
  parseNdc,
  resolveNdc10,
  toNdc10,
  NDC10_LAYOUTS,
  type Ndc,
  type Ndc10,
  type Ndc10Layout,
  type NdcLayout,
  type NdcOptions,
  type NdcResult,
} from './ndc';
export {
  expandUpcE,
  isValidGtin,
  ndc10DigitsFromGtin,
  ndcFromGtin,
  ndcToGtin14,
  ndcToUpcA,
  normalizeGtin,
  parseGtin,
  type Gtin,
  type GtinKind,
  type GtinResult,
  type NdcFromGtin,
  type NdcToGtinOptions,
} from './gtin';
export { gs1CheckDigit, hasValidCheckDigit } from './gs1-check-digit';
export { parseGs1, parseElementString, parseHri, type Gs1Failure, type Gs1ParseOptions, type Gs1Result } from './gs1-parse';
export { parseDigitalLink, looksLikeDigitalLink } from './gs1-digital-link';
export { associationRule, checkAssociations } from './gs1-associations';
export type { Gs1Element, Gs1Message, Gs1Source } from './gs1-element';
export { AI_TABLE, lookupAi, lookupAiPrefix, matchesCharset, type AiDefinition, type Gs1Charset, type Gs1Component, type Gs1DateFormat } from './gs1-ai-table';
export { parseGs1Date, resolveGs1Year, type Gs1DateResult } from './gs1-date';
export { GS, replaceGsStandIns } from './gs1-separator';
export { splitSymbologyId, symbologyFor, type Symbology, type SymbologyContent } from './symbology';
export { IdentifierError, type Failure, type IdentifierIssue, type IssueCode } from './identifier-issue';
