// A list query's rows (perPage + 1, prepared JSON) as a page of JSON bytes: the same on a SQLite reader thread and on
// a connection of the calling thread.

import { recordsJsonBytes } from '../domain/index.ts';
import type { JsonPageFrame, JsonRecordPage } from './store.ts';

/** `jsons`: the prepared JSON of up to perPage + 1 rows, the extra one saying there are more. */
export function jsonRecordPage(jsons: readonly string[], perPage: number, frame: JsonPageFrame): JsonRecordPage {
  const hasMore = jsons.length > perPage;
  const page = hasMore ? jsons.slice(0, perPage) : jsons;
  return { count: page.length, hasMore, json: recordsJsonBytes(frame.head, page, frame.base, frame.tailRoom) };
}
