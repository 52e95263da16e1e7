import { spawnSync } from 'node:child_process';

/** One XML element as Python's ElementTree reads it; `tag` without its namespace, `ns` the namespace. */
export interface XmlElement {
  tag: string;
  ns: string;
  attrs: Record<string, string>;
  text: string;
  children: XmlElement[];
}

// No XML parser is in node_modules; Python's expat (ElementTree) and plistlib are real parsers, so a
// file that is not well-formed fails here with the parser's own message (line and column).
const PARSER = `
import json, plistlib, sys, xml.etree.ElementTree as ET
mode, path = sys.argv[1], sys.argv[2]
def element(e):
    ns, _, tag = e.tag[1:].partition('}') if e.tag.startswith('{') else ('', '', e.tag)
    attrs = {k.split('}')[-1]: v for k, v in e.attrib.items()}
    return {'tag': tag, 'ns': ns, 'attrs': attrs, 'text': (e.text or '').strip(), 'children': [element(c) for c in e]}
try:
    if mode == 'plist':
        with open(path, 'rb') as f:
            print(json.dumps({'ok': plistlib.load(f)}, default=str))
    else:
        print(json.dumps({'ok': element(ET.parse(path).getroot())}))
except Exception as err:
    print(json.dumps({'error': f'{type(err).__name__}: {err}'}))
`;

function runParser(mode: 'xml' | 'plist', file: string): unknown {
  const result = spawnSync('python3', ['-c', PARSER, mode, file], { encoding: 'utf8' });
  if (result.error) throw new Error(`python3 is needed to parse ${file}: ${result.error.message}`);
  const reply = JSON.parse(result.stdout) as { ok?: unknown; error?: string };
  if (reply.error !== undefined) throw new Error(`${file}: ${reply.error}`);
  return reply.ok;
}

/** Parses an XML file; throws with the parser's message when it is not well-formed. */
export function parseXmlFile(file: string): XmlElement {
  return runParser('xml', file) as XmlElement;
}

/** Parses a property list (XML plist); throws when it is not a valid plist. */
export function parsePlistFile(file: string): unknown {
  return runParser('plist', file);
}

/** Every element below `root` (itself included), depth first. */
export function allElements(root: XmlElement): XmlElement[] {
  return [root, ...root.children.flatMap(allElements)];
}
