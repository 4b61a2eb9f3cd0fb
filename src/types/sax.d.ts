/** The part of the `sax` tokenizer (a direct dependency; no @types package is used) that the safe XML reader uses. */
declare module 'sax' {
  /** A tag as sax reports it (non-namespace mode: raw qualified names). */
  export interface Tag {
    name: string;
    attributes: Record<string, string>;
    isSelfClosing: boolean;
  }
  /** A streaming, event-driven XML tokenizer. */
  export interface SAXParser {
    onerror: (e: Error) => void;
    onopentagstart: (t: { name: string }) => void;
    onattribute: (a: { name: string; value: string }) => void;
    onopentag: (t: Tag) => void;
    onclosetag: (name: string) => void;
    ontext: (t: string) => void;
    oncdata: (t: string) => void;
    ondoctype: (t: string) => void;
    onprocessinginstruction: (p: { name: string; body: string }) => void;
    write(s: string): SAXParser;
    close(): SAXParser;
  }
  /** Creates a tokenizer; strict mode enforces well-formedness. */
  export function parser(strict: boolean, opt?: { trim?: boolean; normalize?: boolean; xmlns?: boolean; position?: boolean }): SAXParser;
}
