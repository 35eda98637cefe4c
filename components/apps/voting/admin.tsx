'use client';

import { useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useList } from '@entroos/react';
import { apiFetch, errorText } from '@/lib/client/api.ts';
import { API_VERSION, RESOURCES, type Ballot, type Group, type Vote } from '@/lib/apps/voting/types.ts';

// The voting admin: groups (issue invite codes: made and hashed in this browser, only the hashes are stored),
// ballots (create, open, close, publish) with their tally and turnout, live over the dashboard's watches as votes
// are admitted.

const path = (kind: 'groups' | 'ballots', namespace: string, name?: string) =>
  `/apis/${API_VERSION}/namespaces/${encodeURIComponent(namespace)}/${kind}${name ? `/${encodeURIComponent(name)}` : ''}`;

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function newCode(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

const key = (o: { metadata: { namespace?: string; name: string } }) =>
  `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export function VotingAdmin({ canWrite }: { canWrite: boolean }) {
  const ballots = useList<string, Ballot>(RESOURCES.ballots);
  const groups = useList<string, Group>(RESOURCES.groups);
  const votes = useList<string, Vote>(RESOURCES.votes);
  const [problem, setProblem] = useState<string>();
  const [issued, setIssued] = useState<{ group: string; codes: string[] }>();

  const votesOf = useMemo(() => {
    const by = new Map<string, Vote[]>();
    for (const v of votes.data ?? []) {
      const k = `${v.metadata.namespace ?? ''}/${v.spec.ballot}`;
      by.set(k, [...(by.get(k) ?? []), v]);
    }
    return by;
  }, [votes.data]);

  const run = async (what: () => Promise<unknown>) => {
    setProblem(undefined);
    try {
      await what();
    } catch (err) {
      setProblem(errorText(err));
    }
  };

  const issueCodes = (g: Group, count: number) =>
    run(async () => {
      const codes = Array.from({ length: count }, newCode);
      const hashes = await Promise.all(codes.map(sha256Hex));
      await apiFetch(path('groups', g.metadata.namespace ?? '', g.metadata.name), {
        method: 'PUT',
        body: { ...g, spec: { ...g.spec, inviteCodeHashes: [...(g.spec.inviteCodeHashes ?? []), ...hashes] } },
      });
      setIssued({ group: key(g), codes });
    });

  const change = (b: Ballot, spec: Partial<Ballot['spec']>) =>
    run(() =>
      apiFetch(path('ballots', b.metadata.namespace ?? '', b.metadata.name), {
        method: 'PUT',
        body: { ...b, spec: { ...b.spec, ...spec } },
      }),
    );

  return (
    <>
      {problem ? (
        <p className="alert alert-error" role="alert" data-testid="voting-error">
          {problem}
        </p>
      ) : null}
      {canWrite ? <NewForms groups={groups.data ?? []} run={run} /> : null}

      <section className="panel" aria-labelledby="groups-heading">
        <h2 id="groups-heading">Groups</h2>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Group</th>
              <th scope="col">Members</th>
              <th scope="col">Invites issued</th>
              {canWrite ? <th scope="col">Invite codes</th> : null}
            </tr>
          </thead>
          <tbody>
            {(groups.data ?? []).map((g) => (
              <tr key={key(g)} data-testid={`group-${g.metadata.name}`}>
                <td>{key(g)}</td>
                <td>{g.status?.size ?? 0}</td>
                <td>{g.spec.inviteCodeHashes?.length ?? 0}</td>
                {canWrite ? (
                  <td>
                    <button type="button" className="btn" onClick={() => void issueCodes(g, 10)}>
                      Issue 10 codes
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
        {issued ? (
          <div className="field">
            <label htmlFor="issued-codes">
              New invite codes of {issued.group} (shown once; only their hashes are stored)
            </label>
            <textarea id="issued-codes" readOnly rows={6} value={issued.codes.join('\n')} />
          </div>
        ) : null}
      </section>

      <section aria-labelledby="ballots-heading">
        <h2 id="ballots-heading">Ballots</h2>
        {ballots.data && !ballots.data.length ? <p className="muted">No ballots yet.</p> : null}
        {(ballots.data ?? []).map((b) => (
          <BallotPanel
            key={key(b)}
            ballot={b}
            votes={votesOf.get(key(b)) ?? []}
            canWrite={canWrite}
            onChange={(spec) => void change(b, spec)}
          />
        ))}
      </section>
    </>
  );
}

function BallotPanel({
  ballot,
  votes,
  canWrite,
  onChange,
}: {
  ballot: Ballot;
  votes: Vote[];
  canWrite: boolean;
  onChange: (spec: Partial<Ballot['spec']>) => void;
}) {
  const { namespace = '', name } = ballot.metadata;
  const state = ballot.status?.state ?? 'Draft';
  const tally = ballot.spec.options.map((option, i) => ({ option, votes: ballot.status?.tally?.[i] ?? 0 }));
  const size = ballot.status?.groupSize;
  const count = ballot.status?.votes ?? 0;
  // Turnout over time: the admitted votes by minute of creation, cumulated.
  const turnout = useMemo(() => {
    const perMinute = new Map<number, number>();
    for (const v of votes) {
      const created = v.metadata.creationTimestamp;
      const at = Math.floor(Date.parse(typeof created === 'string' ? created : '') / 60_000);
      if (Number.isFinite(at)) perMinute.set(at, (perMinute.get(at) ?? 0) + 1);
    }
    const minutes = [...perMinute.entries()].sort((a, b) => a[0] - b[0]);
    const points: { t: string; votes: number }[] = [];
    for (const [minute, n] of minutes)
      points.push({
        t: new Date(minute * 60_000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
        votes: (points.at(-1)?.votes ?? 0) + n,
      });
    return points;
  }, [votes]);
  const headingId = `ballot-${namespace}-${name}`;
  return (
    <section className="panel" aria-labelledby={headingId} data-testid={`ballot-${name}`}>
      <h3 id={headingId}>{ballot.spec.question}</h3>
      <p className="muted">
        {namespace}/{name} · group {ballot.spec.group} · <span className="badge">{state}</span>
      </p>
      <p data-testid="ballot-turnout">
        {count} {count === 1 ? 'vote' : 'votes'}
        {size ? ` of ${size} members (${Math.round((count / size) * 100)} %)` : ''}
      </p>
      <div className="row">
        <a href={`/apps/voting/vote/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`}>Voter page</a>
        {ballot.status?.root ? (
          <a href={`/apps/voting/ballots/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/export`}>
            Export
          </a>
        ) : null}
        {canWrite && state === 'Draft' ? (
          <button type="button" className="btn" onClick={() => onChange({ opensAt: new Date().toISOString() })}>
            Open now
          </button>
        ) : null}
        {canWrite && state === 'Open' ? (
          <button type="button" className="btn" onClick={() => onChange({ closesAt: new Date().toISOString() })}>
            Close now
          </button>
        ) : null}
        {canWrite && state === 'Closed' ? (
          <button type="button" className="btn btn-primary" onClick={() => onChange({ publish: true })}>
            Publish results
          </button>
        ) : null}
      </div>
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(260px, 1fr))', gap: 16 }}>
        <figure style={{ margin: 0 }} aria-label={`Tally: ${tally.map((t) => `${t.option} ${t.votes}`).join(', ')}`}>
          <ResponsiveContainer width="100%" height={180}>
            <BarChart data={tally}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="option" />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Bar dataKey="votes" fill="var(--accent, #4f7cff)" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
          <figcaption className="muted">Tally</figcaption>
        </figure>
        <figure style={{ margin: 0 }} aria-label={`Turnout over time: ${count} votes`}>
          <ResponsiveContainer width="100%" height={180}>
            <LineChart data={turnout}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="t" />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Line dataKey="votes" stroke="var(--accent, #4f7cff)" dot={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
          <figcaption className="muted">Turnout over time</figcaption>
        </figure>
      </div>
    </section>
  );
}

function NewForms({ groups, run }: { groups: readonly Group[]; run: (what: () => Promise<unknown>) => Promise<void> }) {
  const [namespace, setNamespace] = useState('default');
  const [groupName, setGroupName] = useState('');
  const [ballotName, setBallotName] = useState('');
  const [question, setQuestion] = useState('');
  const [options, setOptions] = useState('Yes\nNo');
  const [group, setGroup] = useState('');
  const [closesIn, setClosesIn] = useState(60);
  return (
    <section className="panel" aria-labelledby="new-heading">
      <h2 id="new-heading">New group or ballot</h2>
      <div className="field">
        <label htmlFor="voting-namespace">Namespace</label>
        <input id="voting-namespace" value={namespace} onChange={(e) => setNamespace(e.target.value)} />
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            await apiFetch(path('groups', namespace), {
              method: 'POST',
              body: { apiVersion: API_VERSION, kind: 'Group', metadata: { name: groupName }, spec: {} },
            });
            setGroupName('');
          });
        }}
      >
        <div className="field">
          <label htmlFor="new-group">Group name</label>
          <input id="new-group" value={groupName} onChange={(e) => setGroupName(e.target.value)} />
        </div>
        <button type="submit" className="btn" disabled={!groupName}>
          Create group
        </button>
      </form>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            await apiFetch(path('ballots', namespace), {
              method: 'POST',
              body: {
                apiVersion: API_VERSION,
                kind: 'Ballot',
                metadata: { name: ballotName },
                spec: {
                  question,
                  options: options
                    .split('\n')
                    .map((o) => o.trim())
                    .filter(Boolean),
                  group,
                  closesAt: new Date(Date.now() + closesIn * 60_000).toISOString(),
                },
              },
            });
            setBallotName('');
            setQuestion('');
          });
        }}
      >
        <div className="row">
          <div className="field">
            <label htmlFor="new-ballot">Ballot name</label>
            <input id="new-ballot" value={ballotName} onChange={(e) => setBallotName(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="new-ballot-group">Group</label>
            <select id="new-ballot-group" value={group} onChange={(e) => setGroup(e.target.value)}>
              <option value="">Choose…</option>
              {groups
                .filter((g) => g.metadata.namespace === namespace)
                .map((g) => (
                  <option key={g.metadata.name} value={g.metadata.name}>
                    {g.metadata.name}
                  </option>
                ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="new-ballot-closes">Closes after (minutes open)</label>
            <input
              id="new-ballot-closes"
              type="number"
              min={1}
              value={closesIn}
              onChange={(e) => setClosesIn(Number(e.target.value))}
            />
          </div>
        </div>
        <div className="field">
          <label htmlFor="new-ballot-question">Question</label>
          <input id="new-ballot-question" value={question} onChange={(e) => setQuestion(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="new-ballot-options">Options (one a line, 2 to 16)</label>
          <textarea id="new-ballot-options" rows={4} value={options} onChange={(e) => setOptions(e.target.value)} />
        </div>
        <button type="submit" className="btn btn-primary" disabled={!ballotName || !question || !group}>
          Create ballot (a draft: open it when the group is enrolled)
        </button>
      </form>
    </section>
  );
}
