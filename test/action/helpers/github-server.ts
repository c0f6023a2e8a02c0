import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the GitHub REST API, implementing only the endpoints the action uses, with
 * GitHub's documented shapes, status codes and Link-header pagination.
 *
 * Tokens: a token listed in `users` authenticates as that user (GET /user works: a PAT); any
 * other token acts as an installation token authored as `github-actions[bot]` (GET /user → 403,
 * as for GITHUB_TOKEN). Tokens in `readOnly` get 403 on every write (a fork PR's token).
 */
export interface Comment {
  id: number;
  body: string;
  user: { login: string; type: string };
  html_url: string;
  created_at: string;
  updated_at: string;
}

export interface PullRequest {
  number: number;
  state: 'open' | 'closed';
  head: { sha: string; ref: string; repo: { full_name: string } | null };
  base: { ref: string; sha: string; repo: { full_name: string } };
}

export interface Issue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: Array<{ name: string }>;
  user: { login: string; type: string };
  html_url: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  token: string | undefined;
  body: unknown;
}

export interface FakeGitHubOptions {
  users?: Record<string, string>;
  readOnly?: string[];
  /** Tokens that may not create check runs (403, as for a personal access token). */
  noChecks?: string[];
  /** Pulls returned by GET /repos/{o}/{r}/pulls (open ones) and /commits/{sha}/pulls. */
  pulls?: PullRequest[];
  /** Whether /commits/{sha}/pulls knows fork commits (GitHub often returns [] for them). */
  commitPullsIncludeForks?: boolean;
  /** Injected failures: the next `times` requests matching `method` and `path` get this answer. */
  faults?: Fault[];
  /** Collaborators' repository roles (admin, maintain, write, triage, read), as GET …/collaborators/{user}/permission reports them; others: 404. */
  permissions?: Record<string, string>;
}

export interface Fault {
  method: string;
  path: RegExp;
  times: number;
  status: number;
  message: string;
  headers?: Record<string, string>;
}

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly comments = new Map<number, Comment[]>();
  readonly checkRuns: Array<Record<string, unknown> & { id: number }> = [];
  readonly statuses: Array<Record<string, unknown> & { id: number; sha: string }> = [];
  /** Issues (not pull requests), as GET/POST/PATCH /repos/{o}/{r}/issues see them. */
  readonly issues: Issue[] = [];
  private nextIssue = 1;
  private nextId = 1000;
  private server: Server | undefined;
  url = '';

  constructor(readonly options: FakeGitHubOptions = {}) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error) => this.send(res, 500, { message: String(error) }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Adds a comment as `login` (test setup). */
  addComment(issue: number, login: string, body: string): Comment {
    const id = this.nextId++;
    const now = new Date().toISOString();
    const comment: Comment = {
      id,
      body,
      user: { login, type: login.endsWith('[bot]') ? 'Bot' : 'User' },
      html_url: `https://github.com/octo-org/octo-repo/pull/${issue}#issuecomment-${id}`,
      created_at: now,
      updated_at: now,
    };
    const list = this.comments.get(issue) ?? [];
    list.push(comment);
    this.comments.set(issue, list);
    return comment;
  }

  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  private identity(token: string | undefined): { login: string; user: boolean } {
    const user = token ? this.options.users?.[token] : undefined;
    return user ? { login: user, user: true } : { login: 'github-actions[bot]', user: false };
  }

  private send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }

  private paginate(res: ServerResponse, url: URL, items: unknown[]): void {
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (p: number) => {
      const u = new URL(url.href);
      u.searchParams.set('page', String(p));
      u.searchParams.set('per_page', String(perPage));
      return `<${this.url}${u.pathname}${u.search}>`;
    };
    const links: string[] = [];
    if (page < last) links.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
    if (page > 1) links.push(`${link(1)}; rel="first"`, `${link(page - 1)}; rel="prev"`);
    this.send(
      res,
      200,
      items.slice((page - 1) * perPage, page * perPage),
      links.length ? { link: links.join(', ') } : {},
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? JSON.parse(text) : undefined;
    const token = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname, query: url.searchParams, token, body });
    if (!token) return this.send(res, 401, { message: 'Requires authentication' });
    const fault = this.options.faults?.find(
      (f) => f.times > 0 && f.method === method && f.path.test(url.pathname),
    );
    if (fault) {
      fault.times--;
      return this.send(res, fault.status, { message: fault.message }, fault.headers);
    }
    const who = this.identity(token);
    if (method !== 'GET' && this.options.readOnly?.includes(token)) {
      return this.send(res, 403, { message: 'Resource not accessible by integration' });
    }
    const path = url.pathname;
    const route = (verb: string, re: RegExp) => (method === verb ? re.exec(path) : null);
    const repoPath = '^/repos/([^/]+)/([^/]+)';

    if (route('GET', /^\/user$/)) {
      if (!who.user) return this.send(res, 403, { message: 'Resource not accessible by integration' });
      return this.send(res, 200, { login: who.login, id: 1, type: 'User' });
    }
    const permission = route('GET', new RegExp(`${repoPath}/collaborators/([^/]+)/permission$`));
    if (permission) {
      const role = this.options.permissions?.[decodeURIComponent(permission[3]!)];
      if (!role) return this.send(res, 404, { message: 'Not Found' });
      // `permission` is the legacy view: maintain reads as write, triage as read.
      const legacy = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
      return this.send(res, 200, { permission: legacy, role_name: role, user: { login: permission[3] } });
    }
    const listComments = route('GET', new RegExp(`${repoPath}/issues/(\\d+)/comments$`));
    if (listComments) return this.paginate(res, url, this.comments.get(Number(listComments[3])) ?? []);

    const createComment = route('POST', new RegExp(`${repoPath}/issues/(\\d+)/comments$`));
    if (createComment) {
      if (typeof body?.body !== 'string' || body.body.length > 65_536) {
        return this.send(res, 422, {
          message: 'Validation Failed',
          errors: [{ field: 'body', code: 'custom' }],
        });
      }
      return this.send(res, 201, this.addComment(Number(createComment[3]), who.login, body.body));
    }
    const updateComment = route('PATCH', new RegExp(`${repoPath}/issues/comments/(\\d+)$`));
    if (updateComment) {
      const id = Number(updateComment[3]);
      const comment = [...this.comments.values()].flat().find((c) => c.id === id);
      if (!comment) return this.send(res, 404, { message: 'Not Found' });
      if (comment.user.login !== who.login) return this.send(res, 403, { message: 'Must have admin rights' });
      if (typeof body?.body !== 'string' || body.body.length > 65_536) {
        return this.send(res, 422, { message: 'Validation Failed' });
      }
      comment.body = body.body;
      comment.updated_at = new Date().toISOString();
      return this.send(res, 200, comment);
    }
    if (route('GET', new RegExp(`${repoPath}/issues$`))) {
      const state = url.searchParams.get('state') ?? 'open';
      const labels = (url.searchParams.get('labels') ?? '').split(',').filter(Boolean);
      const list = this.issues.filter(
        (i) =>
          (state === 'all' || i.state === state) && labels.every((l) => i.labels.some((x) => x.name === l)),
      );
      return this.paginate(res, url, list);
    }
    if (route('POST', new RegExp(`${repoPath}/issues$`))) {
      if (typeof body?.title !== 'string' || body.title === '' || body.title.length > 256) {
        return this.send(res, 422, {
          message: 'Validation Failed',
          errors: [{ field: 'title', code: 'invalid' }],
        });
      }
      const number = this.nextIssue++;
      const issue: Issue = {
        number,
        title: body.title,
        body: typeof body.body === 'string' ? body.body : '',
        state: 'open',
        state_reason: null,
        labels: (Array.isArray(body.labels) ? body.labels : []).map((name: string) => ({ name })),
        user: { login: who.login, type: who.user ? 'User' : 'Bot' },
        html_url: `https://github.com/octo-org/octo-repo/issues/${number}`,
      };
      this.issues.push(issue);
      return this.send(res, 201, issue);
    }
    const updateIssue = route('PATCH', new RegExp(`${repoPath}/issues/(\\d+)$`));
    if (updateIssue) {
      const issue = this.issues.find((i) => i.number === Number(updateIssue[3]));
      if (!issue) return this.send(res, 404, { message: 'Not Found' });
      if (typeof body?.body === 'string') issue.body = body.body;
      if (body?.state === 'open' || body?.state === 'closed') issue.state = body.state;
      if (typeof body?.state_reason === 'string') issue.state_reason = body.state_reason;
      return this.send(res, 200, issue);
    }
    if (route('POST', new RegExp(`${repoPath}/check-runs$`))) {
      if (who.user || this.options.noChecks?.includes(token)) {
        return this.send(res, 403, { message: 'You must authenticate via a GitHub App.' });
      }
      // GitHub measures check output in bytes.
      if (Buffer.byteLength(String(body?.output?.summary ?? ''), 'utf8') > 65_535) {
        return this.send(res, 422, { message: 'Invalid request. output.summary is too long' });
      }
      const run = { id: this.nextId++, html_url: 'https://github.com/check', ...body };
      this.checkRuns.push(run);
      return this.send(res, 201, run);
    }
    const createStatus = route('POST', new RegExp(`${repoPath}/statuses/([0-9a-f]+)$`));
    if (createStatus) {
      const status = { id: this.nextId++, sha: createStatus[3]!, url: `${this.url}${path}`, ...body };
      this.statuses.push(status);
      return this.send(res, 201, status);
    }
    const commitPulls = route('GET', new RegExp(`${repoPath}/commits/([0-9a-f]+)/pulls$`));
    if (commitPulls) {
      const [, owner, name, sha] = commitPulls;
      const pulls = (this.options.pulls ?? []).filter(
        (p) =>
          p.head.sha === sha &&
          (this.options.commitPullsIncludeForks || p.head.repo?.full_name === `${owner}/${name}`),
      );
      return this.send(res, 200, pulls);
    }
    if (route('GET', new RegExp(`${repoPath}/pulls$`))) {
      const state = url.searchParams.get('state') ?? 'open';
      return this.paginate(
        res,
        url,
        (this.options.pulls ?? []).filter((p) => state === 'all' || p.state === state),
      );
    }
    const getPull = route('GET', new RegExp(`${repoPath}/pulls/(\\d+)$`));
    if (getPull) {
      const pull = (this.options.pulls ?? []).find((p) => p.number === Number(getPull[3]));
      return pull ? this.send(res, 200, pull) : this.send(res, 404, { message: 'Not Found' });
    }
    return this.send(res, 404, { message: `Not Found: ${method} ${path}` });
  }
}
