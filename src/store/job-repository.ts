// Partner Center and OEM jobs (JobRepository, src/partners/ports.ts): a batch tracking id, the outcomes known when
// it was submitted (device_job_results) and, for devices sent through the import queue, their import rows — read
// together in the order the caller sent the devices.
import type { Selectable } from 'kysely';
import type { DeviceJob, DeviceJobKind, DeviceJobResult, DeviceJobStatus, JobRepository } from '../partners/ports.js';
import { chunks } from './chunks.js';
import { atomically, INSERT_CHUNK, type Executor } from './executor.js';
import type { DeviceJobsTable } from './schema.js';

function jobFromRow(row: Selectable<DeviceJobsTable>): DeviceJob {
  return {
    id: row.id,
    customerTenantId: row.customer_tenant_id,
    submittedByTenantId: row.submitted_by_tenant_id,
    kind: row.kind as DeviceJobKind,
    batchId: row.batch_id,
    requestId: row.request_id,
    deviceCount: Number(row.device_count),
    createdAt: row.created_at,
  };
}

/** An import row's state in Partner Center's vocabulary: leased rows are being processed. */
function importStatus(status: string, leased: boolean): DeviceJobStatus {
  if (status === 'complete') return 'finished';
  if (status === 'error') return 'finished_with_errors';
  return leased ? 'processing' : 'queued';
}

export class KyselyJobRepository implements JobRepository {
  constructor(private readonly db: Executor) {}

  async insert(job: DeviceJob, results: DeviceJobResult[]): Promise<void> {
    await atomically(this.db, async (trx) => {
      await trx
        .insertInto('device_jobs')
        .values({
          id: job.id,
          customer_tenant_id: job.customerTenantId,
          submitted_by_tenant_id: job.submittedByTenantId,
          kind: job.kind,
          batch_id: job.batchId,
          request_id: job.requestId,
          device_count: job.deviceCount,
          created_at: job.createdAt,
        })
        .execute();
      for (const part of chunks(results, INSERT_CHUNK)) {
        await trx
          .insertInto('device_job_results')
          .values(
            part.map((r) => ({
              job_id: r.jobId,
              position: r.position,
              device_id: r.deviceId,
              serial_number: r.serialNumber,
              product_key: r.productKey,
              status: r.status,
              error_code: r.errorCode,
              error_description: r.errorDescription,
              created_at: job.createdAt,
            })),
          )
          .execute();
      }
    });
  }

  async find(id: string): Promise<DeviceJob | undefined> {
    const row = await this.db.selectFrom('device_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? jobFromRow(row) : undefined;
  }

  async findByRequestId(submittedByTenantId: string, requestId: string): Promise<DeviceJob | undefined> {
    const row = await this.db
      .selectFrom('device_jobs')
      .selectAll()
      .where('submitted_by_tenant_id', '=', submittedByTenantId)
      .where('request_id', '=', requestId)
      .executeTakeFirst();
    return row ? jobFromRow(row) : undefined;
  }

  async results(jobId: string): Promise<DeviceJobResult[]> {
    const [stored, queued] = await Promise.all([
      this.db.selectFrom('device_job_results').selectAll().where('job_id', '=', jobId).orderBy('position').execute(),
      this.db
        .selectFrom('imported_device_identities')
        .select(['job_position', 'device_registration_id', 'serial_number', 'product_key', 'import_status', 'lease_owner', 'device_error_code', 'device_error_name', 'updated_at'])
        .where('job_id', '=', jobId)
        .orderBy('job_position')
        .execute(),
    ]);
    const results: DeviceJobResult[] = stored.map((r) => ({
      jobId,
      position: Number(r.position),
      deviceId: r.device_id,
      serialNumber: r.serial_number,
      productKey: r.product_key,
      status: r.status as DeviceJobStatus,
      errorCode: r.error_code,
      errorDescription: r.error_description,
      settledAt: r.created_at,
    }));
    for (const r of queued) {
      const status = importStatus(r.import_status, r.lease_owner !== null);
      const failed = status === 'finished_with_errors';
      results.push({
        jobId,
        position: Number(r.job_position ?? 0),
        deviceId: r.device_registration_id,
        serialNumber: r.serial_number,
        productKey: r.product_key,
        status,
        errorCode: failed ? String(r.device_error_code) : null,
        errorDescription: failed ? r.device_error_name : null,
        settledAt: status === 'finished' || failed ? r.updated_at : null,
      });
    }
    return results.sort((a, b) => a.position - b.position);
  }
}
