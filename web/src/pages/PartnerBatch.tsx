// A device batch (a partner's view): its devices from Partner Center (GET …/deviceBatches/{batch}/devices, 100 a
// page, the next with MS-ContinuationToken), each with its status. The batch list gives no tracking ids, so a device
// listed here is registered (Partner Center lists only registered devices) with its Partner Center profile; the
// per-device outcome of an upload, failures included, is its batchJobStatus, which a partner reads by the tracking id
// its upload's Location header named (only the partner that uploaded may read it).
import { Badge, Button, Field, Input, Spinner, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text } from '@fluentui/react-components';
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '../components/ErrorBoundary';
import { PartnerCustomerHeader } from '../components/PartnerCustomerHeader';
import { usePartnerStyles } from '../components/PartnerStyles';
import { batchDevicesPage, batchJobStatus, formatDate, listBatches, listPolicies, trackingIdOf, uploadStatusText } from '../lib/partners-api';

export default function PartnerBatch({ params }: { params: Record<string, string | undefined> }) {
  const styles = usePartnerStyles();
  const customerId = params.customerId ?? '';
  const batchId = params.batchId ?? '';
  const batches = useQuery({ queryKey: ['pc', 'batches', customerId], queryFn: () => listBatches(customerId) });
  const batch = batches.data?.find((b) => b.id.toLowerCase() === batchId.toLowerCase());
  const policies = useQuery({ queryKey: ['pc', 'policies', customerId], queryFn: () => listPolicies(customerId) });
  const policyName = (id: string | null | undefined) => (id ? (policies.data?.find((p) => p.id === id)?.name ?? id) : 'None');
  const devices = useInfiniteQuery({
    queryKey: ['pc', 'batchDevices', customerId, batchId],
    queryFn: ({ pageParam }) => batchDevicesPage(customerId, batchId, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
  });
  const rows = devices.data?.pages.flatMap((p) => p.devices) ?? [];
  // Product key IDs are rare (tuple and hash registrations have none): their column only when one is there.
  const withKeys = rows.some((d) => d.productKey);

  return (
    <>
      <PartnerCustomerHeader customerId={customerId} batchId={batchId} />
      <section className={styles.section} aria-labelledby="batch-heading">
        <Text as="h2" id="batch-heading" size={500} weight="semibold">
          {batchId}
        </Text>
        {batch && (
          <dl className={styles.facts}>
            <dt className={styles.term}>Devices</dt>
            <dd className={styles.definition}>{batch.devicesCount}</dd>
            <dt className={styles.term}>Created by</dt>
            <dd className={styles.definition}>{batch.createdBy}</dd>
            <dt className={styles.term}>Created</dt>
            <dd className={styles.definition}>{formatDate(batch.creationDate)}</dd>
            <dt className={styles.term}>Group tag</dt>
            <dd className={styles.definition}>{batch.id}</dd>
          </dl>
        )}
        {batches.error && <ErrorMessage error={batches.error} title="Could not read the batch" />}
      </section>

      <section className={styles.section} aria-labelledby="devices-heading">
        <Text as="h2" id="devices-heading" size={500} weight="semibold">
          Devices
        </Text>
        {devices.isLoading && <Spinner label="Loading devices…" />}
        {devices.error && <ErrorMessage error={devices.error} title="Could not read the batch's devices" />}
        {devices.data && rows.length === 0 && <Text>No device of this batch is registered.</Text>}
        {rows.length > 0 && (
          <Table aria-label="Devices of the batch" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Serial number</TableHeaderCell>
                <TableHeaderCell>Manufacturer</TableHeaderCell>
                <TableHeaderCell>Model</TableHeaderCell>
                {withKeys && <TableHeaderCell>Product key ID</TableHeaderCell>}
                <TableHeaderCell>Status</TableHeaderCell>
                <TableHeaderCell>Profile</TableHeaderCell>
                <TableHeaderCell>Uploaded</TableHeaderCell>
                <TableHeaderCell>Uploaded by</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((d) => (
                <TableRow key={d.id}>
                  <TableCell>{d.serialNumber ?? ''}</TableCell>
                  <TableCell>{d.oemManufacturerName ?? ''}</TableCell>
                  <TableCell>{d.modelName ?? ''}</TableCell>
                  {withKeys && <TableCell>{d.productKey ?? ''}</TableCell>}
                  <TableCell>
                    <Badge appearance="tint" color="success">
                      Registered
                    </Badge>
                  </TableCell>
                  <TableCell>{policyName(d.policies.find((p) => p.key === 'o_o_b_e')?.value)}</TableCell>
                  <TableCell>{formatDate(d.uploadedDate)}</TableCell>
                  <TableCell>{d.uploadedBy}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
        {devices.hasNextPage && (
          <div>
            <Button onClick={() => void devices.fetchNextPage()} disabled={devices.isFetchingNextPage}>
              {devices.isFetchingNextPage ? 'Loading…' : 'Load 100 more'}
            </Button>
          </div>
        )}
        {rows.length > 0 && (
          <Text className={styles.muted}>
            {rows.length} of {batch?.devicesCount ?? rows.length} devices shown.
          </Text>
        )}
      </section>

      <UploadStatus customerId={customerId} />
    </>
  );
}

/** An upload's per-device outcome (batchJobStatus), by the tracking id its Location header named. */
function UploadStatus({ customerId }: { customerId: string }) {
  const styles = usePartnerStyles();
  const [input, setInput] = useState('');
  const [invalid, setInvalid] = useState(false);
  const status = useMutation({ mutationFn: (trackingId: string) => batchJobStatus(customerId, trackingId) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const id = trackingIdOf(input);
    setInvalid(id === null);
    if (id !== null) status.mutate(id);
  };
  const result = status.data;
  return (
    <section className={styles.section} aria-labelledby="upload-heading">
      <Text as="h2" id="upload-heading" size={500} weight="semibold">
        Upload status
      </Text>
      <Text className={styles.muted}>
        Each upload's result per device, failures included, by the tracking id in its Location header (…/batchJobStatus/&lt;id&gt;). Only your organization's
        uploads can be read.
      </Text>
      <form className={styles.row} onSubmit={submit}>
        <Field
          className={styles.grow}
          label="Tracking ID or Location"
          validationState={invalid ? 'error' : 'none'}
          validationMessage={invalid ? 'Give the tracking id (a GUID) or the Location that ends in batchJobStatus/<id>.' : undefined}
        >
          <Input value={input} onChange={(_e, d) => setInput(d.value)} />
        </Field>
        <Button type="submit" disabled={input.trim() === '' || status.isPending}>
          {status.isPending ? 'Checking…' : 'Check status'}
        </Button>
      </form>
      {status.error && <ErrorMessage error={status.error} title="Could not read the upload's status" />}
      {result && (
        <>
          <Text>
            Upload {result.batchTrackingId}: <strong>{result.status}</strong>, started {formatDate(result.startedTime)}
            {result.completedTime ? `, completed ${formatDate(result.completedTime)}` : ''}.
          </Text>
          <Table aria-label="Upload status per device" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Serial number</TableHeaderCell>
                <TableHeaderCell>Product key ID</TableHeaderCell>
                <TableHeaderCell>Status</TableHeaderCell>
                <TableHeaderCell>Error</TableHeaderCell>
                <TableHeaderCell>Device ID</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {result.devicesStatus.map((d, i) => (
                <TableRow key={`${d.deviceId ?? ''}-${i}`}>
                  <TableCell>{d.serialNumber ?? ''}</TableCell>
                  <TableCell>{d.productKey ?? ''}</TableCell>
                  <TableCell>
                    <Badge appearance="tint" color={d.status === 'finished' ? 'success' : d.status === 'finished_with_errors' ? 'danger' : 'informative'}>
                      {uploadStatusText(d.status)}
                    </Badge>
                  </TableCell>
                  <TableCell>{d.errorCode ? `${d.errorCode} ${d.errorDescription ?? ''}` : ''}</TableCell>
                  <TableCell className={styles.mono}>{d.deviceId ?? ''}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </>
      )}
    </section>
  );
}
