// The lifecycle resources through Microsoft's own @microsoft/microsoft-graph-client (HTTPS, tokens from Tarmac's
// token endpoint) against the real `tarmac serve`, on SQLite and on PostgreSQL: what admin tooling sends — beta
// profiles with the deprecated property names, .expand(), a lambda .filter() on physicalIds, GraphError on refusals —
// must work unchanged. The client is test/e2e/fixtures/lifecycle-sdk-client.ts.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runSdkClient, withHttpsServe } from '../support/sdk-serve.js';
import { demoOf, killAll, removeTemps } from '../support/serve-process.js';
import { TEST_ENGINES } from '../support/test-databases.js';

const SDK_CLIENT = 'test/e2e/fixtures/lifecycle-sdk-client.ts';

afterEach(killAll);
afterAll(removeTemps);

for (const engine of TEST_ENGINES) {
  describe(`lifecycle through the Graph SDK (${engine})`, () => {
    it(
      'group → profile → assignment → import → members → $expand → OOBE → enroll → lambda filter → deregistration order',
      async () => {
        await withHttpsServe(engine, async (server) => {
          const demo = demoOf(server.served.stdout());
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          const o = (await runSdkClient(SDK_CLIENT, server, demo)) as any;

          expect(o.assignmentId).toBe(`${o.profileId}_${o.groupId}`);
          expect(o.state).toMatchObject({ deviceImportStatus: 'complete', deviceErrorCode: 0 });
          expect(o.members).toEqual([{ type: '#microsoft.graph.device', physicalIds: [`[ZTDID]:${o.ztdId}`, '[OrderID]:SdkLab'] }]);
          expect(o.expanded).toEqual({ deploymentProfile: o.profileId, intendedDeploymentProfile: o.profileId, status: 'assignedUnkownSyncState' });
          // The deprecated OOBE property names map onto the same bitmap: standard user 2, privacy 4, OEM 8, EULA 16, 256.
          expect(o.downloaded).toEqual({ status: 200, correlation: o.profileId, oobeConfig: 286 });
          expect(o.enrolled).toEqual({ status: 200, enrollmentState: 'enrolled' });

          expect(o.autopilotObjects).toHaveLength(1);
          expect(o.autopilotObjects[0]).toMatchObject({ trustType: 'AzureAd', deviceId: o.enrolledDevice.aad });
          expect(o.company).toEqual([{ id: o.enrolledDevice.managedDeviceId, serialNumber: 'SDKLAB01', azureADDeviceId: o.enrolledDevice.aad }]);
          expect(o.enrolledDevice.enrollmentState).toBe('enrolled');

          expect(o.deleteWhileEnrolled).toMatchObject({ statusCode: 409 });
          expect(o.deleteWhileEnrolled.message).toContain(o.enrolledDevice.managedDeviceId);
          expect(o.deleteEntraObject).toMatchObject({ statusCode: 400 });
          expect(o.deleteEntraObject.message).toMatch(/deregister it from Autopilot first/i);
          expect(o.deleteManaged).toBe('ok');
          expect(o.deleteWithUser).toMatchObject({ statusCode: 409 });
          expect(o.deleteWithUser.message).toMatch(/unassign/i);
          expect(o.unassign).toBe('ok');
          expect(o.deleteInOrder).toBe('ok');
          expect(o.deleteProfileAssigned).toMatchObject({ statusCode: 409 });
          expect(o.deleteProfileAssigned.message).toContain('You must unassign all groups from this profile before you can delete it.');
          expect(o.unassignProfile).toBe('ok');
          expect(o.deleteProfile).toBe('ok');
          expect(o.joinedAfter).toEqual({ trustType: 'AzureAd', physicalIds: [] });
        });
      },
      180_000,
    );
  });
}
