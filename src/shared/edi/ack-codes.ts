/**
 * X12 acknowledgment code values, as published for the 997 (004010) and 999 (005010X231A1)
 * and the TA1. Errors carry these codes so a report reads the same as the acknowledgment the
 * partner receives. Sources are listed in docs/edi.md.
 */

/** TA104 Interchange Acknowledgment Code (I17). */
export const TA1_ACK = { A: 'Accepted', E: 'Accepted with errors', R: 'Rejected' } as const;

/**
 * TA105 Interchange Note Code (I18), 000–031 as in releases 004010 and 005010: this reader raises
 * some of them, and a TA1 received from a partner may carry any.
 */
export const TA1_NOTE = {
  '000': 'No error',
  '001': 'Interchange control number in header and trailer do not match',
  '002': 'This standard as noted in the control standards identifier is not supported',
  '003': 'This version of the controls is not supported',
  '004': 'Segment terminator is invalid',
  '005': 'Invalid interchange ID qualifier for sender',
  '006': 'Invalid interchange sender ID',
  '007': 'Invalid interchange ID qualifier for receiver',
  '008': 'Invalid interchange receiver ID',
  '009': 'Unknown interchange receiver ID',
  '010': 'Invalid authorization information qualifier value',
  '011': 'Invalid authorization information value',
  '012': 'Invalid security information qualifier value',
  '013': 'Invalid security information value',
  '014': 'Invalid interchange date value',
  '015': 'Invalid interchange time value',
  '016': 'Invalid interchange standards identifier value',
  '017': 'Invalid interchange version ID value',
  '018': 'Invalid interchange control number value',
  '019': 'Invalid acknowledgment requested value',
  '020': 'Invalid test indicator value',
  '021': 'Invalid number of included groups value',
  '022': 'Invalid control structure',
  '023': 'Improper (premature) end-of-file (transmission)',
  '024': 'Invalid interchange content (e.g. invalid GS segment)',
  '025': 'Duplicate interchange control number',
  '026': 'Invalid data element separator',
  '027': 'Invalid component element separator',
  '028': 'Invalid delivery date in deferred delivery request',
  '029': 'Invalid delivery time in deferred delivery request',
  '030': 'Invalid delivery time code in deferred delivery request',
  '031': 'Invalid grade of service code',
} as const;

/** AK901 / AK501 / IK501 acknowledgment codes (715 / 717). P exists only at group level. */
export const ACK_CODE = {
  A: 'Accepted',
  E: 'Accepted but errors were noted',
  M: 'Rejected, message authentication code (MAC) failed',
  P: 'Partially accepted, at least one transaction set was rejected',
  R: 'Rejected',
  W: 'Rejected, assurance failed validity tests',
  X: 'Rejected, content after decryption could not be analyzed',
} as const;
export type AckCode = keyof typeof ACK_CODE;

/** AK905..AK909 Functional Group Syntax Error Code (716). */
export const AK9_ERROR = {
  '1': 'Functional group not supported',
  '2': 'Functional group version not supported',
  '3': 'Functional group trailer missing',
  '4': 'Group control number in the functional group header and trailer do not agree',
  '5': 'Number of included transaction sets does not match actual count',
  '6': 'Group control number violates syntax',
  '19': 'Functional group control number not unique within interchange',
} as const;

/** AK502..AK506 / IK502..IK506 Transaction Set Syntax Error Code (718). */
export const AK5_ERROR = {
  '1': 'Transaction set not supported',
  '2': 'Transaction set trailer missing',
  '3': 'Transaction set control number in header and trailer do not match',
  '4': 'Number of included segments does not match actual count',
  '5': 'One or more segments in error',
  '6': 'Missing or invalid transaction set identifier',
  '7': 'Missing or invalid transaction set control number',
  '18': 'Transaction set not in functional group',
  '23': 'Transaction set control number not unique within the functional group',
} as const;

/** AK304 / IK304 Segment Syntax Error Code (720). */
export const AK3_ERROR = {
  '1': 'Unrecognized segment ID',
  '2': 'Unexpected segment',
  '3': 'Required segment missing',
  '4': 'Loop occurs over maximum times',
  '5': 'Segment exceeds maximum use',
  '6': 'Segment not in defined transaction set',
  '7': 'Segment not in proper sequence',
  '8': 'Segment has data element errors',
} as const;

/** AK403 / IK403 Data Element Syntax Error Code (723). */
export const AK4_ERROR = {
  '1': 'Required data element missing',
  '2': 'Conditional required data element missing',
  '3': 'Too many data elements',
  '4': 'Data element too short',
  '5': 'Data element too long',
  '6': 'Invalid character in data element',
  '7': 'Invalid code value',
  '8': 'Invalid date',
  '9': 'Invalid time',
  '10': 'Exclusion condition violated',
  '12': 'Too many repetitions',
  '13': 'Too many components',
} as const;

export type ErrorLevel = 'interchange' | 'group' | 'transaction' | 'segment' | 'element';

/**
 * One finding. `code` is the X12 value for the acknowledgment element named by `level`
 * (interchange → TA105, group → AK905, transaction → AK502/IK502, segment → AK304/IK304,
 * element → AK403/IK403).
 */
export interface EdiError {
  level: ErrorLevel;
  code: string;
  /** Warnings are reported (AK5 'E') but do not reject. */
  severity: 'error' | 'warning';
  message: string;
  segmentId?: string;
  /** 0-based index of the segment in the file. */
  segmentIndex?: number;
  byteOffset?: number;
  /** 1-based position inside the transaction set, ST being 1 (AK302). */
  positionInTransaction?: number;
  /** 1-based element position (AK401-1). */
  element?: number;
  /** 1-based component position (AK401-2). */
  component?: number;
  /** Data element reference number (AK402), e.g. '859' for ZA01. */
  elementRef?: string;
  /** Copy of the bad data element (AK404). */
  badValue?: string;
  transactionControl?: string;
  groupControl?: string;
}

/** The label printed for an error: the acknowledgment element and code, e.g. `AK5:4`, `IK4:7`. */
export function errorLabel(e: Pick<EdiError, 'level' | 'code'>, version: 'x12-4010' | 'x12-5010' = 'x12-4010'): string {
  const ik = version === 'x12-5010';
  switch (e.level) {
    case 'interchange':
      return `TA1:${e.code}`;
    case 'group':
      return `AK9:${e.code}`;
    case 'transaction':
      return `${ik ? 'IK5' : 'AK5'}:${e.code}`;
    case 'segment':
      return `${ik ? 'IK3' : 'AK3'}:${e.code}`;
    case 'element':
      return `${ik ? 'IK4' : 'AK4'}:${e.code}`;
  }
}
