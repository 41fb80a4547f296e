/**
 * Readers for the two delimited layouts in play:
 * - FDA's NDC Directory text files: tab-separated, one record a line, no quoting (a `"` is data);
 * - CSV as in RFC 4180: comma-separated, fields in double quotes may hold commas, quotes (doubled)
 *   and line breaks; CRLF or LF line ends.
 * No installed package reads these (node_modules has no CSV/TSV parser), and both are small.
 */

export interface DelimitedRecord {
  /** 1-based line on which the record starts. */
  line: number;
  fields: string[];
  /** Set when the record is malformed (CSV only); `fields` then holds what was read. */
  error: string | null;
}

/** Tab-separated lines. Blank lines are skipped; a trailing CR is dropped. */
export function* readTabRecords(text: string): Generator<DelimitedRecord> {
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    line++;
    let row = text.slice(start, end);
    if (row.endsWith('\r')) row = row.slice(0, -1);
    start = end + 1;
    if (row.trim() === '') continue;
    yield { line, fields: row.split('\t'), error: null };
  }
}

/** RFC 4180 records. A malformed record (stray quote, quote never closed) carries an error. */
export function* readCsvRecords(text: string, delimiter = ','): Generator<DelimitedRecord> {
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let error: string | null = null;
    let field = '';
    let atRecordEnd = false;
    // One record.
    while (!atRecordEnd) {
      if (text[i] === '"') {
        // Quoted field.
        i++;
        let closed = false;
        while (i < n) {
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === '\n') line++;
          field += c;
          i++;
        }
        if (!closed) {
          error ??= `a quoted field that starts on line ${startLine} is never closed (the file may be cut short)`;
          fields.push(field);
          atRecordEnd = true;
          break;
        }
        // After the closing quote: delimiter, line end or end of text.
        let junk = '';
        while (i < n && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') junk += text[i++];
        if (junk !== '') error ??= `text after a closing quote on line ${line}: "${junk.slice(0, 20)}"`;
      } else {
        while (i < n && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') {
          if (text[i] === '"') error ??= `a quote inside an unquoted field on line ${line}`;
          field += text[i++];
        }
      }
      fields.push(field);
      field = '';
      if (i >= n) atRecordEnd = true;
      else if (text[i] === delimiter) i++;
      else {
        if (text[i] === '\r') i++;
        if (text[i] === '\n') i++;
        line++;
        atRecordEnd = true;
      }
      if (i >= n && text[i - 1] === delimiter) {
        // "a,b," at the very end: a last empty field.
        fields.push('');
        atRecordEnd = true;
      }
    }
    if (fields.length === 1 && fields[0] === '' && error === null) continue; // blank line
    yield { line: startLine, fields, error };
  }
}
