// A list query's rows (perPage + 1, prepared JSON) as a page of JSON bytes: the same on a SQLite reader thread and on
// a connection of the calling thread.

import { recordsJsonBytes } from '../domain/index.ts';
import type { JsonPageFrame, JsonRecordPage } from './store.ts';

/**
 * `jsons`: the prepared JSON of up to perPage + 1 rows, the extra one saying there are more; read one at a time (a
 * reader thread passes its statement's rows as they are stepped, so no page of rows is alive at once).
 */
export function jsonRecordPage(jsons: Iterable<string>, perPage: number, frame: JsonPageFrame): JsonRecordPage {
  let count = 0;
  let hasMore = false;
  function* page(): Generator<string> {
    for (const json of jsons) {
      if (count === perPage) {
        hasMore = true;
        return;
      }
      count++;
      yield json;
    }
  }
  const json = recordsJsonBytes(frame.head, page(), frame.base, frame.tailRoom);
  return { count, hasMore, json };
}
