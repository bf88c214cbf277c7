import { Readable } from "node:stream";
import { stringify } from "csv-stringify";
import type { FastifyReply, FastifyRequest } from "fastify";

/** Media type of every CSV export. */
export const CSV_CONTENT_TYPE = "text/csv; charset=utf-8";

/** One column of an export: `[header, value of a row]`; values are strings (`""` for null). */
export type CsvColumn<T> = readonly [string, (row: T) => string];

/**
 * A free-text cell (client messages, LLM summaries, names, UTM values) made safe for spreadsheets:
 * a value starting with `=`, `+`, `-`, `@`, tab or CR would be run as a formula by Excel/LibreOffice
 * (CSV injection, OWASP), so it gets a leading `'`. `null` → `""`.
 */
export function text(value: string | null): string {
  if (value === null) return "";
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * Rows as a CSV byte stream (`csv-stringify`): a UTF-8 BOM (so Excel reads Cyrillic right), a
 * header row, then one record per row, pulled batch by batch from `batches` as the reader consumes
 * (back pressure reaches the database reads). RFC 4180 quoting: fields with the delimiter, a quote
 * or a line break are quoted, quotes doubled; records end with CRLF. A failing batch destroys the
 * stream with that error.
 */
export function csvStream<T>(
  columns: readonly CsvColumn<T>[],
  batches: AsyncIterable<T[]>,
  delimiter: "," | ";",
): Readable {
  const records = Readable.from(
    (async function* () {
      for await (const batch of batches)
        for (const row of batch) yield columns.map(([, value]) => value(row));
    })(),
  );
  const csv = stringify({
    bom: true,
    header: true,
    columns: columns.map(([header]) => header),
    delimiter,
    record_delimiter: "windows",
  });
  records.on("error", (error) => csv.destroy(error));
  return records.pipe(csv);
}

/** Every batch of `first` (already awaited) and the rest of `it`. */
async function* prefetched<T>(first: IteratorResult<T>, it: AsyncIterator<T>): AsyncGenerator<T> {
  if (first.done) return;
  yield first.value;
  for (;;) {
    const next = await it.next();
    if (next.done) return;
    yield next.value;
  }
}

/**
 * Answers `reply` with a streamed CSV attachment of `batches` named `{name}-{project}-{day}.csv`
 * (`day` = the request's UTC date). The first batch is read before any byte is sent, so a database
 * failure is still a problem answer (500/503); a failure later is logged and ends the stream.
 * `delimiter`: the export query's `comma | semicolon`.
 */
export async function sendCsvExport<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  opts: {
    columns: readonly CsvColumn<T>[];
    batches: AsyncGenerator<T[]>;
    delimiter: "comma" | "semicolon";
    name: string;
    project: string;
    now: Date;
  },
): Promise<FastifyReply> {
  const first = await opts.batches.next();
  const stream = csvStream(
    opts.columns,
    prefetched(first, opts.batches),
    opts.delimiter === "semicolon" ? ";" : ",",
  );
  stream.on("error", (error) => request.log.error({ err: error }, `${opts.name} export failed mid-stream`));
  const day = opts.now.toISOString().slice(0, 10);
  return (
    reply
      .type(CSV_CONTENT_TYPE)
      .header("content-disposition", `attachment; filename="${opts.name}-${opts.project}-${day}.csv"`)
      .header("cache-control", "no-store")
      .header("x-content-type-options", "nosniff")
      // Fastify sends streams as they are (no serializer); the route's 200 schema only documents the body.
      .send(stream as unknown as string)
  );
}
