// The customer a partner page is about (Partner Center GET /v1/customers/{id}), as a breadcrumb back to Customers
// (and to the customer's batches when `batchId` is given).
import { Text } from '@fluentui/react-components';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { getCustomer } from '../lib/partners-api';
import { ErrorMessage } from './ErrorBoundary';
import { usePartnerStyles } from './PartnerStyles';

export function PartnerCustomerHeader({ customerId, batchId }: { customerId: string; batchId?: string }) {
  const styles = usePartnerStyles();
  const customer = useQuery({ queryKey: ['pc', 'customer', customerId], queryFn: () => getCustomer(customerId) });
  const name = customer.data ? `${customer.data.companyProfile.companyName} (${customer.data.companyProfile.domain})` : customerId;
  return (
    <>
      <nav aria-label="Breadcrumb" className={styles.breadcrumb}>
        <Link href="/customers" className={styles.link}>
          Customers
        </Link>
        <Text aria-hidden="true">›</Text>
        {batchId === undefined ? (
          <Text aria-current="page">{name}</Text>
        ) : (
          <>
            <Link href={`/customers/${encodeURIComponent(customerId)}`} className={styles.link}>
              {name}
            </Link>
            <Text aria-hidden="true">›</Text>
            <Text aria-current="page">{batchId}</Text>
          </>
        )}
      </nav>
      {customer.error && <ErrorMessage error={customer.error} title="Could not read the customer" />}
    </>
  );
}
