// TODO(issue 10): this page is being built.
export default function IntuneDevices(_props: { params: Record<string, string | undefined> }) {
  return <p>This page is being built.</p>;
}
