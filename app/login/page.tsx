import type { Metadata } from 'next';
import { LoginForm } from '@/components/login-form';

export const metadata: Metadata = { title: 'Log in' };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl =
    typeof params.callbackUrl === 'string' && params.callbackUrl.startsWith('/') && !params.callbackUrl.startsWith('//')
      ? params.callbackUrl
      : '/';
  const minutes = Number(params.minutes);
  const idle =
    Number.isFinite(minutes) && minutes > 0
      ? `${minutes < 1 ? `${Math.round(minutes * 60)} seconds` : `${Math.round(minutes)} minute${Math.round(minutes) === 1 ? '' : 's'}`}`
      : 'a while';
  const notice =
    params.reason === 'idle'
      ? `You were logged out after ${idle} without activity. Log in again to continue.`
      : params.reason === 'expired'
        ? 'Your session has expired. Log in again.'
        : undefined;
  return (
    <main className="login-wrap">
      <div className="panel login-card">
        <div className="brand">
          Entro<span>OS</span>
        </div>
        <h1>Log in</h1>
        <LoginForm callbackUrl={callbackUrl} notice={notice} />
      </div>
    </main>
  );
}
