/** The contract every importable format meets: recognise a document, and parse it whole or refuse it. */

export interface SniffedDocument {
  /** The name the user gave: a path, a URL, or "request body". */
  name: string;
  /** The text, with any byte-order mark removed. */
  text: string;
  /** Parsed once by the detector when the text is JSON. */
  json?: unknown;
  /** Local name of the XML root element (namespace prefix removed), when the text is XML. */
  xmlRoot?: string;
  /** `patchcall import --asset <name>`: the host a host-less inventory (an SBOM, one osquery table) describes. */
  assetName?: string;
  /** `patchcall import --locale en-GB`: the locale the exporting machine wrote dates in (Get-HotFix InstalledOn). */
  locale?: string;
}

export interface FormatHandler<Batch> {
  /** The name users give to `--format`. */
  format: string;
  /** One line for `patchcall import --help` and error messages. */
  description: string;
  /** True when the document is of this format. Must be cheap and must not throw. */
  detect(doc: SniffedDocument): boolean;
  /** The whole document, or an InputError naming the place that is wrong. Never a partial result. */
  parse(doc: SniffedDocument): Batch;
}
