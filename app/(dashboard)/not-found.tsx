import Link from 'next/link';

// What a dashboard page shows for an object that does not exist (a deleted pod, a mistyped name): the navigation
// stays, and the way on is a link, not the browser's back button.
export default function DashboardNotFound() {
  return (
    <>
      <h1>Not found</h1>
      <section className="panel" data-testid="not-found">
        <p>
          There is no such object or page. It may have been deleted, or the name or namespace in the address is wrong.
        </p>
        <p>
          <Link href="/">Overview</Link> · <Link href="/pods">Pods</Link> · <Link href="/resources">All resources</Link>
        </p>
      </section>
    </>
  );
}
