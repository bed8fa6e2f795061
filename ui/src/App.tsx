import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { getToken, onSignOut, signOut } from './api';
import { Loading } from './components/Status';
import { useRoute } from './hooks';
import { SignIn } from './pages/SignIn';

// Pages load on first use, so the sign-in screen needs only the small entry bundle.
const AlertPage = lazy(() => import('./pages/AlertPage').then((m) => ({ default: m.AlertPage })));
const AlertsPage = lazy(() => import('./pages/AlertsPage').then((m) => ({ default: m.AlertsPage })));
const AssetsPage = lazy(() => import('./pages/AssetsPage').then((m) => ({ default: m.AssetsPage })));
const OverviewPage = lazy(() => import('./pages/OverviewPage').then((m) => ({ default: m.OverviewPage })));
const RulesPage = lazy(() => import('./pages/RulesPage').then((m) => ({ default: m.RulesPage })));
const SourcesPage = lazy(() => import('./pages/SourcesPage').then((m) => ({ default: m.SourcesPage })));
const SearchPage = lazy(() => import('./search/SearchPage').then((m) => ({ default: m.SearchPage })));

const NAV: [string, string][] = [
  ['overview', 'Overview'],
  ['search', 'Search'],
  ['alerts', 'Alerts'],
  ['rules', 'Rules'],
  ['assets', 'Assets'],
  ['sources', 'Sources & health'],
];

export function App(): ReactNode {
  const [signedIn, setSignedIn] = useState(() => getToken() !== undefined);
  const route = useRoute();
  useEffect(() => onSignOut(() => setSignedIn(false)), []);
  const page = route.parts[0] ?? 'overview';
  useEffect(() => {
    // move focus to the new page's heading so keyboard and screen-reader users land on it
    const h = document.querySelector<HTMLElement>('main h1');
    h?.focus({ preventScroll: true });
    const name = NAV.find(([k]) => k === page)?.[1] ?? 'Vigil';
    document.title = `${name} · Vigil`;
  }, [page, route.parts[1], signedIn]);
  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} />;
  let body: ReactNode;
  if (page === 'search') body = <SearchPage route={route} />;
  else if (page === 'alerts' && route.parts[1] !== undefined) body = <AlertPage id={route.parts[1]} />;
  else if (page === 'alerts') body = <AlertsPage route={route} />;
  else if (page === 'rules') body = <RulesPage route={route} />;
  else if (page === 'assets') body = <AssetsPage />;
  else if (page === 'sources') body = <SourcesPage />;
  else body = <OverviewPage />;
  return (
    <>
      <a className="skip" href="#main" onClick={(e) => {
        e.preventDefault();
        document.querySelector<HTMLElement>('main h1')?.focus();
      }}>
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand" aria-label="Vigil">
          ▼ Vigil
        </span>
        <nav aria-label="Main">
          <ul>
            {NAV.map(([k, label]) => (
              <li key={k}>
                <a href={`#/${k}`} aria-current={page === k ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" className="signout" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main">
        <Suspense fallback={<Loading on />}>{body}</Suspense>
      </main>
    </>
  );
}
