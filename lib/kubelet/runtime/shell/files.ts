// The simulated container's file tree: read-only, built from what the kubelet would put there (the secret and
// configMap volume files, /etc/hostname, /etc/hosts, /etc/resolv.conf, the service account's namespace) plus the
// usual empty directories. Directories are implied by the files under them.

export interface FileTree {
  file(path: string): Buffer | undefined;
  isDir(path: string): boolean;
  /** A directory's entries, sorted; undefined when `path` is no directory. */
  list(path: string): string[] | undefined;
}

const BASE_DIRS = ['/bin', '/dev', '/etc', '/home', '/proc', '/root', '/tmp', '/usr/bin', '/var/log'];

/** `path` made absolute against `cwd`, with `.`, `..` and repeated slashes resolved. */
export function resolvePath(cwd: string, path: string): string {
  const parts = (path.startsWith('/') ? path : `${cwd}/${path}`).split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (!part || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

/** `files` by absolute path; `bin` names the commands listed in /bin. */
export function fileTree(files: ReadonlyMap<string, Buffer>, bin: readonly string[]): FileTree {
  const dirs = new Map<string, Set<string>>([['/', new Set()]]);
  const addDir = (dir: string) => {
    let parent = '/';
    for (const part of dir.split('/').filter(Boolean)) {
      const path = parent === '/' ? `/${part}` : `${parent}/${part}`;
      dirs.get(parent)?.add(part);
      if (!dirs.has(path)) dirs.set(path, new Set());
      parent = path;
    }
  };
  const byPath = new Map<string, Buffer>();
  for (const [raw, content] of files) {
    const path = resolvePath('/', raw);
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    addDir(parent);
    dirs.get(parent)?.add(path.slice(path.lastIndexOf('/') + 1));
    byPath.set(path, content);
  }
  for (const dir of BASE_DIRS) addDir(dir);
  for (const name of bin) dirs.get('/bin')?.add(name);
  return {
    file: (path) => byPath.get(path),
    isDir: (path) => dirs.has(path),
    list: (path) => {
      const entries = dirs.get(path);
      return entries ? [...entries].sort() : undefined;
    },
  };
}
