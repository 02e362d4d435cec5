// The body of a directory-style list (extensions, phone numbers) paged in memory, as RingCentral writes it.

/**
 * One page of an in-memory list as RingCentral pages a directory resource: `uri`, the page's `records`, `paging`
 * (pageStart/pageEnd only on a non-empty page) and `navigation`; `pageUri(n)` is the URI of page n.
 */
export function pagedBody<T>(
  all: readonly T[],
  page: number,
  perPage: number,
  pageUri: (n: number) => string,
  render: (item: T) => unknown,
): Record<string, unknown> {
  const records = all.slice((page - 1) * perPage, page * perPage);
  const totalPages = Math.max(1, Math.ceil(all.length / perPage));
  const navigation: Record<string, { uri: string }> = {
    firstPage: { uri: pageUri(1) },
    lastPage: { uri: pageUri(totalPages) },
  };
  if (page < totalPages) navigation.nextPage = { uri: pageUri(page + 1) };
  if (page > 1) navigation.previousPage = { uri: pageUri(page - 1) };
  return {
    uri: pageUri(page),
    records: records.map(render),
    paging: {
      page,
      totalPages,
      perPage,
      totalElements: all.length,
      ...(records.length
        ? { pageStart: (page - 1) * perPage, pageEnd: (page - 1) * perPage + records.length - 1 }
        : {}),
    },
    navigation,
  };
}
