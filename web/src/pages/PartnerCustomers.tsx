// Customers (a partner's view, Partner Center /v1 with the user's delegated token): the invitation link to send a
// new customer, with a copy button, and the customers that accepted, each opening its device batches.
import { Spinner, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text } from '@fluentui/react-components';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { ErrorMessage } from '../components/ErrorBoundary';
import { PartnerInvitation } from '../components/PartnerInvitation';
import { usePartnerStyles } from '../components/PartnerStyles';
import { listCustomers } from '../lib/partners-api';

export default function PartnerCustomers(_props: { params: Record<string, string | undefined> }) {
  const styles = usePartnerStyles();
  const customers = useQuery({ queryKey: ['pc', 'customers'], queryFn: listCustomers });
  return (
    <>
      <PartnerInvitation />
      <section className={styles.section} aria-labelledby="customers-heading">
        <Text as="h2" id="customers-heading" size={500} weight="semibold">
          Your customers
        </Text>
        {customers.isLoading && <Spinner label="Loading customers…" />}
        {customers.error && <ErrorMessage error={customers.error} title="Could not read your customers" />}
        {customers.data && customers.data.length === 0 && <Text>No customer has accepted your invitation yet.</Text>}
        {customers.data && customers.data.length > 0 && (
          <Table aria-label="Customers" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Customer</TableHeaderCell>
                <TableHeaderCell>Domain</TableHeaderCell>
                <TableHeaderCell>Relationship</TableHeaderCell>
                <TableHeaderCell>Tenant ID</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {customers.data.map((c) => (
                <TableRow key={c.id}>
                  <TableCell>
                    <Link href={`/customers/${encodeURIComponent(c.id)}`} className={styles.link}>
                      {c.companyProfile.companyName}
                    </Link>
                  </TableCell>
                  <TableCell>{c.companyProfile.domain}</TableCell>
                  <TableCell>{c.relationshipToPartner === 'reseller' ? 'Reseller' : c.relationshipToPartner}</TableCell>
                  <TableCell className={styles.mono}>{c.id}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </section>
    </>
  );
}
