// The frame every page sits in, like the Microsoft admin centers: a brand bar (product, organization, theme, the
// signed-in user with Sign out), the left navigation by section, and the page with its title.
import {
  Avatar,
  Button,
  makeStyles,
  Menu,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
  Spinner,
  Text,
  Title2,
  tokens,
  Tooltip,
} from '@fluentui/react-components';
import { WeatherMoonRegular, WeatherSunnyRegular } from '@fluentui/react-icons';
import { Suspense, useEffect, useMemo } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { signOut, type Account } from '../auth/session';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { isPartner, useOrganization } from './organization';
import { ROUTES, type PageRoute } from './routes';
import { useThemeName } from './theme';

const useStyles = makeStyles({
  root: { display: 'grid', gridTemplateRows: '48px 1fr', gridTemplateColumns: '240px 1fr', height: '100vh' },
  bar: {
    gridColumn: '1 / 3',
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    padding: `0 ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
  },
  brand: { fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase400, color: tokens.colorNeutralForegroundOnBrand },
  spacer: { flexGrow: 1 },
  onBrand: { color: tokens.colorNeutralForegroundOnBrand },
  nav: {
    backgroundColor: tokens.colorNeutralBackground2,
    borderRight: `1px solid ${tokens.colorNeutralStroke2}`,
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalS}`,
    overflowY: 'auto',
  },
  section: {
    display: 'block',
    margin: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalM} ${tokens.spacingVerticalXS}`,
    fontSize: tokens.fontSizeBase200,
    fontWeight: tokens.fontWeightSemibold,
    color: tokens.colorNeutralForeground2,
  },
  list: { listStyle: 'none', margin: 0, padding: 0 },
  link: {
    display: 'block',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderRadius: tokens.borderRadiusMedium,
    color: tokens.colorNeutralForeground1,
    textDecoration: 'none',
    ':hover': { backgroundColor: tokens.colorNeutralBackground2Hover },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}` },
  },
  current: {
    backgroundColor: tokens.colorNeutralBackground2Selected,
    fontWeight: tokens.fontWeightSemibold,
    boxShadow: `inset 3px 0 0 ${tokens.colorBrandForeground1}`,
  },
  main: { overflow: 'auto', padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalXXL}`, minWidth: 0 },
  title: { display: 'block', marginBottom: tokens.spacingVerticalL },
  visuallyHidden: { position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clipPath: 'inset(50%)', whiteSpace: 'nowrap' },
});

export function Shell({ account }: { account: Account }) {
  const styles = useStyles();
  const [location] = useLocation();
  const [themeName, setThemeName] = useThemeName();
  const org = useOrganization();
  const partner = isPartner(org.data);
  // The page of the current path renders at once, its chunk and data loading alongside the organization (the
  // first grid rows must not wait for /organization); which pages the user's kind of tenant gets, and so the
  // navigation, is settled once the organization is known.
  const known = !org.isLoading;
  const allowed = useMemo(() => ROUTES.filter((r) => r.audience === undefined || r.audience === (partner ? 'partner' : 'customer')), [partner]);
  const routes = known ? allowed : ROUTES;
  const sections = useMemo(() => {
    const out = new Map<string, PageRoute[]>();
    if (known) for (const r of allowed) if (r.nav) out.set(r.nav.section, [...(out.get(r.nav.section) ?? []), r]);
    return [...out.entries()];
  }, [allowed, known]);
  const selected = routes.filter((r) => r.nav && (r.path === location || (r.path !== '/' && location.startsWith(`${r.path}/`))))[0]?.path ?? location;

  return (
    <div className={styles.root}>
      <header className={styles.bar}>
        <Text as="span" className={styles.brand}>
          Tarmac admin center
        </Text>
        <span className={styles.spacer} />
        <Text className={styles.onBrand}>{org.data?.displayName ?? ''}</Text>
        <Tooltip content={themeName === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme'} relationship="label">
          <Button
            appearance="transparent"
            className={styles.onBrand}
            icon={themeName === 'dark' ? <WeatherSunnyRegular /> : <WeatherMoonRegular />}
            onClick={() => setThemeName(themeName === 'dark' ? 'light' : 'dark')}
          />
        </Tooltip>
        <Menu>
          <MenuTrigger disableButtonEnhancement>
            {/* Named by its content, "Account: " and the avatar's name: an aria-label would hide the visible initials
                from the name (axe label-content-name-mismatch). */}
            <Button appearance="transparent" className={styles.onBrand}>
              <span className={styles.visuallyHidden}>Account: </span>
              <Avatar name={account.name} size={28} color="colorful" />
            </Button>
          </MenuTrigger>
          <MenuPopover>
            <MenuList>
              <MenuItem disabled>
                {account.name} ({account.userPrincipalName})
              </MenuItem>
              <MenuItem onClick={() => signOut()}>Sign out</MenuItem>
            </MenuList>
          </MenuPopover>
        </Menu>
      </header>
      <nav className={styles.nav} aria-label="Navigation">
        {sections.map(([section, items]) => (
          <div key={section}>
            <span className={styles.section} id={`nav-${section}`}>
              {section}
            </span>
            <ul className={styles.list} aria-labelledby={`nav-${section}`}>
              {items.map((r) => (
                <li key={r.path}>
                  <Link href={r.path} className={r.path === selected ? `${styles.link} ${styles.current}` : styles.link} aria-current={r.path === selected ? 'page' : undefined}>
                    {r.nav?.label}
                  </Link>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </nav>
      <main className={styles.main}>
        <ErrorBoundary key={location}>
          <Suspense fallback={<Spinner label="Loading…" />}>
            <Switch>
              {routes.map((r) => (
                <Route key={r.path} path={r.path}>
                  {(params: Record<string, string | undefined>) => <Page route={r} params={params} />}
                </Route>
              ))}
              <Route>
                <Title2 className={styles.title}>Page not found</Title2>
                <Text>The console has no page at {location}.</Text>
              </Route>
            </Switch>
          </Suspense>
        </ErrorBoundary>
      </main>
    </div>
  );
}

function Page({ route, params }: { route: PageRoute; params: Record<string, string | undefined> }) {
  const styles = useStyles();
  useEffect(() => {
    document.title = `${route.title} - Tarmac admin center`;
  }, [route.title]);
  const Component = route.component;
  return (
    <>
      <Title2 as="h1" className={styles.title}>
        {route.title}
      </Title2>
      <Component params={params} />
    </>
  );
}
