// Tests of the RFC 4180 parser and writer: quoting, line breaks inside fields, line numbers, chunk boundaries,
// malformed rows, and writer output that parses back to the same cells.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvParser, csvLine, readCsvRows, type CsvRow } from './csv-codec.ts';

function parse(text: string, chunkSize = text.length || 1): CsvRow[] {
  const parser = new CsvParser();
  const rows: CsvRow[] = [];
  for (let i = 0; i < text.length; i += chunkSize) rows.push(...parser.push(text.slice(i, i + chunkSize)));
  return [...rows, ...parser.end()];
}

const SAMPLE = 'a,b,c\r\n"x, y","say ""hi""",\r\n\r\n"two\r\nlines",2,3\nlast,,"end"';

test('quoted commas, doubled quotes, empty cells, CRLF and LF; blank lines skipped; rows know their line', () => {
  assert.deepEqual(parse(SAMPLE), [
    { cells: ['a', 'b', 'c'], line: 1 },
    { cells: ['x, y', 'say "hi"', ''], line: 2 },
    { cells: ['two\r\nlines', '2', '3'], line: 4 },
    { cells: ['last', '', 'end'], line: 6 },
  ]);
});

test('the same rows whatever the chunk boundaries', () => {
  const whole = parse(SAMPLE);
  for (const size of [1, 2, 3, 5, 7]) assert.deepEqual(parse(SAMPLE, size), whole, `chunks of ${size}`);
});

test('malformed rows carry an error and parsing goes on with the next row', () => {
  const rows = parse('"ok",1\n"bad"x,2\nfine,3\n"open,4\n');
  assert.deepEqual(rows[0], { cells: ['ok', '1'], line: 1 });
  assert.match(rows[1].error!, /unexpected "x" after a closing quote/);
  assert.equal(rows[1].line, 2);
  assert.deepEqual(rows[2], { cells: ['fine', '3'], line: 3 });
  assert.equal(rows[3].line, 4);
  assert.match(rows[3].error!, /quoted field is not closed/);
});

test('writer quotes only what needs it and its lines parse back to the same cells', () => {
  assert.equal(csvLine(['plain', '+16505550100', '']), 'plain,+16505550100,\r\n');
  assert.equal(csvLine(['a,b', 'say "hi"', ' pad']), '"a,b","say ""hi"""," pad"\r\n');
  const tricky = [['', ',', '"', '""', 'x\ny', 'x\r\ny', ' lead', 'trail ', 'Zoë ☎', 'plain']];
  assert.deepEqual(
    parse(tricky.map(csvLine).join('')).map((r) => r.cells),
    tricky,
  );
});

test('readCsvRows decodes UTF-8 split across chunks and drops a BOM', async () => {
  const bytes = Buffer.from('\uFEFFname,city\nZoë,Zürich\n', 'utf8');
  const chunks = [...bytes].map((b) => Buffer.from([b]));
  const rows = [];
  for await (const row of readCsvRows(chunks)) rows.push(row);
  assert.deepEqual(
    rows.map((r) => r.cells),
    [
      ['name', 'city'],
      ['Zoë', 'Zürich'],
    ],
  );
  assert.equal(rows.at(-1)!.bytesRead, bytes.length);
});
