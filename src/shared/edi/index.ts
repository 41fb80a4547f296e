/**
 * EDI X12 reading for RxLedger: delimiters from the ISA, envelope and code-list checks reported
 * with X12 acknowledgment codes, 997/999 generation, and mapping of 852/846/856 to records.
 * See docs/edi.md.
 */
export { parseX12, readX12, X12Reader, type ParseReport, type ParseResult, type ReadEvent, type ReadOptions } from './reader';
export { tokenize, readSegments, SegmentTokenizer, type Segment, type TokenizeResult, type TokenizerOptions, DEFAULT_MAX_SEGMENT_BYTES } from './tokenize';
export type { Delimiters } from './isa';
export type { TransactionResult, TransactionSummary, GroupReport, InterchangeReport, ReceivedTa1 } from './envelope';
export { DEFAULT_MAX_SET_BYTES } from './envelope';
export { errorLabel, TA1_ACK, TA1_NOTE, type EdiError, type ErrorLevel, type AckCode } from './ack-codes';
export { generateAck, type AckOptions, type AckResult } from './ack';
export { mapTransaction } from './map';
export { map852 } from './map-852';
export { map846 } from './map-846';
export { map856 } from './map-856';
export type * from './records';
export { ACTIVITY_CODES, PRODUCT_ID_QUALIFIERS, NDC_QUALIFIERS, GTIN_QUALIFIERS, UNIT_CODES, HL_LEVEL_CODES, type ActivityKind } from './code-lists';
