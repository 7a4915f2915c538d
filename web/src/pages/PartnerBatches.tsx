// A customer's device batches (a partner's view, Partner Center GET /v1/customers/{id}/deviceBatches): every batch
// any of the customer's partners created, with its device count, each opening the batch's devices.
import { Spinner, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text } from '@fluentui/react-components';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { ErrorMessage } from '../components/ErrorBoundary';
import { PartnerCustomerHeader } from '../components/PartnerCustomerHeader';
import { usePartnerStyles } from '../components/PartnerStyles';
import { formatDate, listBatches } from '../lib/partners-api';

export default function PartnerBatches({ params }: { params: Record<string, string | undefined> }) {
  const styles = usePartnerStyles();
  const customerId = params.customerId ?? '';
  const batches = useQuery({ queryKey: ['pc', 'batches', customerId], queryFn: () => listBatches(customerId) });
  return (
    <>
      <PartnerCustomerHeader customerId={customerId} />
      <section className={styles.section} aria-labelledby="batches-heading">
        <Text as="h2" id="batches-heading" size={500} weight="semibold">
          Device batches
        </Text>
        {batches.isLoading && <Spinner label="Loading device batches…" />}
        {batches.error && <ErrorMessage error={batches.error} title="Could not read the device batches" />}
        {batches.data && batches.data.length === 0 && <Text>No device batch has been created for this customer.</Text>}
        {batches.data && batches.data.length > 0 && (
          <Table aria-label="Device batches" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Batch</TableHeaderCell>
                <TableHeaderCell>Devices</TableHeaderCell>
                <TableHeaderCell>Created by</TableHeaderCell>
                <TableHeaderCell>Created</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {batches.data.map((b) => (
                <TableRow key={b.id}>
                  <TableCell>
                    <Link href={`/customers/${encodeURIComponent(customerId)}/batches/${encodeURIComponent(b.id)}`} className={styles.link}>
                      {b.id}
                    </Link>
                  </TableCell>
                  <TableCell>{b.devicesCount}</TableCell>
                  <TableCell>{b.createdBy}</TableCell>
                  <TableCell>{formatDate(b.creationDate)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </section>
    </>
  );
}
