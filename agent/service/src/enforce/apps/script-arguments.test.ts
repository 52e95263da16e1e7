import { isInterpreter, scriptArgument } from './script-arguments';

describe('the script an interpreter runs', () => {
  it('takes the first operand after options', () => {
    expect(scriptArgument(['/bin/sh', 'blocked.sh'])).toBe('blocked.sh');
    expect(scriptArgument(['bash', '-x', '--norc', '/tmp/run me.sh', 'arg'])).toBe('/tmp/run me.sh');
    expect(scriptArgument(['/usr/bin/python3.11', '-u', 'tool.py'])).toBe('tool.py');
    expect(scriptArgument(['perl', '--', 'x.pl'])).toBe('x.pl');
    expect(scriptArgument(['busybox', 'sh', 'x.sh'])).toBe('x.sh');
  });

  it('finds nothing for inline code, modules, stdin and non-interpreters', () => {
    expect(scriptArgument(['sh', '-c', 'echo hi'])).toBeNull();
    expect(scriptArgument(['python3', '-m', 'http.server'])).toBeNull();
    expect(scriptArgument(['perl', '-e', 'print 1'])).toBeNull();
    expect(scriptArgument(['sh', '-'])).toBeNull();
    expect(scriptArgument(['sh'])).toBeNull();
    expect(scriptArgument(['/usr/bin/sleep', '10'])).toBeNull();
    expect(isInterpreter('python3.11')).toBe(true);
    expect(isInterpreter('pythonista')).toBe(false);
  });

  it('uses the same interpreter list as the pre-exec helper, with each one’s own way of naming a script', () => {
    // Names only the helper's list had before the lists became one.
    for (const name of ['rbash', 'ksh93', 'tcsh', 'deno', 'bun', 'luajit', 'pwsh', 'pypy3', 'jruby', 'wish', 'gawk', 'mawk']) expect(isInterpreter(name)).toBe(true);
    expect(scriptArgument(['/usr/bin/gawk', '{ print }', 'data.txt'])).toBeNull();
    expect(scriptArgument(['awk', '-F:', '-f', 'report.awk', '/etc/passwd'])).toBe('report.awk');
    expect(scriptArgument(['busybox', 'awk', '-f', 'x.awk'])).toBe('x.awk');
    expect(scriptArgument(['deno', 'run', '--allow-read', 'tool.ts'])).toBe('tool.ts');
    expect(scriptArgument(['pwsh', '-Command', 'Get-Date'])).toBeNull();
  });
});
