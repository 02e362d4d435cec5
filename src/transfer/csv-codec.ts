// RFC 4180 CSV: an incremental parser (quoted fields with commas, quotes and line breaks; LF or CRLF) that reports
// the line each row starts on, and the writer (CRLF, quoting only where needed).

import { StringDecoder } from 'node:string_decoder';
import type { Chunks } from './line-reader.ts';

export interface CsvRow {
  cells: string[];
  /** 1-based line the row starts on. */
  line: number;
  /** Why the row is malformed, if it is; its cells are then best effort. */
  error?: string;
}

/** Longest field accepted: a longer one is an unterminated quote swallowing the file, not data. */
export const MAX_FIELD_CHARS = 1024 * 1024;

type State = 'start' | 'plain' | 'quoted' | 'quote' | 'closed';

export class CsvParser {
  private row: string[] = [];
  private field = '';
  private state: State = 'start';
  private line = 1;
  private rowLine = 1;
  private skipLf = false;
  private error: string | undefined;

  /** Feeds text; returns the rows it completed. */
  push(text: string): CsvRow[] {
    const rows: CsvRow[] = [];
    for (let i = 0; i < text.length; i++) {
      if (this.state === 'quoted') {
        i = this.readQuoted(text, i);
        continue;
      }
      const c = text[i];
      if (this.skipLf) {
        this.skipLf = false;
        if (c === '\n') continue;
      }
      if (this.state === 'quote') {
        if (c === '"') {
          this.field += '"';
          this.state = 'quoted';
          continue;
        }
        this.state = 'closed';
      }
      if (c === ',') this.endField();
      else if (c === '\n' || c === '\r') {
        this.endRow(rows);
        this.skipLf = c === '\r';
      } else if (this.state === 'start' && c === '"') this.state = 'quoted';
      else {
        if (this.state === 'closed') this.error ??= `unexpected ${JSON.stringify(c)} after a closing quote`;
        else this.state = 'plain';
        this.field += c;
      }
    }
    return rows;
  }

  /** Ends the input; returns the last row if there is one. */
  end(): CsvRow[] {
    const rows: CsvRow[] = [];
    if (this.state === 'quoted') this.error ??= 'a quoted field is not closed before the end of the file';
    this.endRow(rows);
    return rows;
  }

  /** Reads a quoted run up to the next quote; returns the index of that quote (or the last index). */
  private readQuoted(text: string, from: number): number {
    const q = text.indexOf('"', from);
    const end = q === -1 ? text.length : q;
    for (let nl = text.indexOf('\n', from); nl !== -1 && nl < end; nl = text.indexOf('\n', nl + 1)) this.line += 1;
    this.field += text.slice(from, end);
    if (this.field.length > MAX_FIELD_CHARS) {
      throw new Error(
        `line ${this.rowLine}: a quoted field runs past ${MAX_FIELD_CHARS} characters (is a quote not closed?)`,
      );
    }
    if (q === -1) return text.length - 1;
    this.state = 'quote';
    return q;
  }

  private endField(): void {
    this.row.push(this.field);
    this.field = '';
    this.state = 'start';
  }

  private endRow(rows: CsvRow[]): void {
    const blank = this.row.length === 0 && this.state === 'start';
    if (!blank) {
      this.endField();
      rows.push(
        this.error
          ? { cells: this.row, line: this.rowLine, error: this.error }
          : { cells: this.row, line: this.rowLine },
      );
    }
    this.row = [];
    this.field = '';
    this.state = 'start';
    this.error = undefined;
    this.line += 1;
    this.rowLine = this.line;
  }
}

/** Parses a byte stream (UTF-8, a leading BOM dropped) row by row, with the bytes read so far for progress. */
export async function* readCsvRows(input: Chunks): AsyncGenerator<CsvRow & { bytesRead: number }> {
  const decoder = new StringDecoder('utf8');
  const parser = new CsvParser();
  let bytesRead = 0;
  let first = true;
  for await (const chunk of input) {
    bytesRead += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    let text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (first && text.length) {
      if (text.startsWith('\uFEFF')) text = text.slice(1);
      first = false;
    }
    for (const row of parser.push(text)) yield { ...row, bytesRead };
  }
  for (const row of [...parser.push(decoder.end()), ...parser.end()]) yield { ...row, bytesRead };
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One CSV line (with its CRLF), quoting the cells that need it. */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map((c) => (NEEDS_QUOTES.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',')}\r\n`;
}
