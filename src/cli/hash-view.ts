// How a decoded hash is shown: the JSON summary object scripts rely on, and the human-readable report.
import type { DecodedHash, HardwareInventory, HashIssue } from '../hash/index.js';
import type { HashEntry } from './hash-inputs.js';
import type { Output } from './output.js';

/** The `--json` object for one hash. Field names are part of Tarmac's CLI contract (see README). */
export function hashSummary(entry: HashEntry): Record<string, unknown> {
  const d = entry.decoded;
  const inv = d.inventory;
  return {
    source: entry.source,
    valid: d.valid,
    serialNumber: inv?.system.serialNumber ?? null,
    manufacturer: inv?.system.manufacturer ?? null,
    model: inv?.system.model ?? null,
    smbiosUuid: inv?.system.smbiosUuid ?? null,
    macAddresses: inv?.networkAdapters.map((n) => n.macAddress) ?? [],
    hasTpm: hasTpm(inv),
    toolVersion: inv?.build?.toolVersion ?? null,
    capturedAt: inv?.build?.capturedAt ?? null,
    productKeyId: inv?.productKey.productKeyId ?? null,
    csvSerialNumber: entry.csvSerialNumber ?? null,
    paddingFixed: d.paddingFixed,
    issues: d.issues,
    identity: d.identity,
    inventory: inv,
  };
}

function hasTpm(inv: HardwareInventory | null): boolean {
  return Boolean(inv?.tpm.version && inv.tpm.ekPublicKey);
}

export function issueText(issue: HashIssue): string {
  return `${issue.code}${issue.offset !== undefined ? ` at ${issue.code === 'InvalidBase64' ? 'character' : 'byte'} ${issue.offset}` : ''}: ${issue.message}`;
}

export function printStatus(out: Output, entry: HashEntry): void {
  const d = entry.decoded;
  const errors = d.issues.filter((i) => i.severity === 'error');
  out.line(`${out.color.bold(entry.source)}  ${d.valid ? out.color.green('valid') : out.color.red(`invalid (${errors.length} error${errors.length === 1 ? '' : 's'})`)}`);
  for (const issue of d.issues) {
    const label = issue.severity === 'error' ? out.color.red('error') : out.color.yellow('warning');
    out.line(`  ${label} ${issueText(issue)}`);
  }
}

/** The human report: every field in the inventory, grouped as an admin reads a device. */
export function printInventory(out: Output, d: DecodedHash): void {
  const inv = d.inventory;
  if (!inv) return;
  const rows: [string, string][] = [];
  const add = (k: string, v: string | null | undefined): void => {
    if (v !== null && v !== undefined && v !== '') rows.push([k, v]);
  };
  const s = inv.system;
  add('Manufacturer', s.manufacturer);
  add('Model', s.model);
  add('Serial number', s.serialNumber);
  add('SMBIOS UUID', s.smbiosUuid);
  add('SKU', s.sku);
  add('Family', s.family);
  add('System version', s.version);
  add('Baseboard', join([inv.baseboard.manufacturer, inv.baseboard.product, inv.baseboard.version && `version ${inv.baseboard.version}`]));
  add('Firmware vendor', inv.firmware.vendor);
  const p = inv.processor;
  const topo = p.topology;
  add(
    'Processor',
    join([
      p.model,
      p.manufacturer && `(${p.manufacturer})`,
      topo && `${topo.packages} package${topo.packages === 1 ? '' : 's'}, ${topo.cores} cores, ${topo.logicalProcessors} threads${topo.hyperThreading ? ', HT' : ''}, ${topo.architectureName}`,
    ]),
  );
  if (p.coreClasses?.length) {
    add('Core classes', p.coreClasses.map((c) => `class ${c.efficiencyClass}: ${c.cores} cores/${c.logicalProcessors} threads`).join('; '));
  }
  const m = inv.memory;
  if (m) {
    add('Memory', `${m.totalPhysicalRamGB} GB (max ${m.smbiosRamMaximumCapacity} GB, ${m.smbiosRamSlots} slots, ${m.smbiosRamArrayCount} array, ECC ${m.smbiosRamErrorCorrectionName})`);
  }
  inv.disks.forEach((disk, i) => {
    add(
      `Disk ${i + 1}`,
      join([
        disk.descriptor && `${disk.descriptor.capacityGB} GB ${disk.descriptor.busTypeName}`,
        disk.serial && join([disk.serial.vendor, disk.serial.product, `serial ${disk.serial.serialNumber}`]),
      ]),
    );
  });
  if (inv.kernelDiskSerial) {
    const k = inv.kernelDiskSerial;
    add('Boot disk (kernel)', join([k.vendor, k.product, `serial ${k.serialNumber}`]));
  }
  inv.networkAdapters.forEach((n, i) => add(`Network ${i + 1}`, `${n.macAddress} ${n.physicalMediumName} on ${n.bus || '?'}`));
  inv.displays.forEach((disp, i) => {
    const mode = disp.mode;
    add(
      `Display ${i + 1}`,
      join([
        mode && `${mode.horizontalResolution}x${mode.verticalResolution}, ${mode.widthMm}x${mode.heightMm} mm, ${mode.outputTechnologyName}`,
        disp.sizeCm && `(${disp.sizeCm.widthCm}x${disp.sizeCm.heightCm} cm)`,
      ]),
    );
  });
  inv.gpus.forEach((g, i) => {
    add(
      `GPU ${i + 1}`,
      join([g.name && `${g.name.manufacturer} ${g.name.description}`, g.memory && `${Math.round(g.memory.dedicatedVideoMemoryBytes / 2 ** 20)} MiB dedicated`]),
    );
  });
  const e = inv.enclosure;
  if (e) {
    const digitizer = [
      e.digitizer.integratedTouch && 'touch',
      e.digitizer.integratedPen && 'pen',
      e.digitizer.externalTouch && 'external touch',
      e.digitizer.externalPen && 'external pen',
    ].filter(Boolean);
    add('Chassis', join([e.chassisTypeName, `${e.powerRoleName} role`, digitizer.length ? `${digitizer.join(' + ')}, ${e.maxTouchPoints} touch points` : 'no touch']));
  }
  const t = inv.tpm;
  add('TPM', t.version ?? 'none');
  add('TPM EK hash', t.offlineDeviceId && `${t.offlineDeviceId.hash} (${t.offlineDeviceId.idTypeName})`);
  add('Product key ID', inv.productKey.productKeyId);
  add('Key part number', inv.productKey.partNumber);
  if (inv.locale) add('Locale', `${inv.locale.locale}, ${inv.locale.timeZone}, keyboard ${inv.locale.keyboardLayout}`);
  const b = inv.build;
  if (b) {
    const tz = b.timeZoneOffsetMinutes;
    const offset = `${tz < 0 ? '-' : '+'}${String(Math.floor(Math.abs(tz) / 60)).padStart(2, '0')}:${String(Math.abs(tz) % 60).padStart(2, '0')}`;
    add('Captured', `${b.capturedAt} (local offset ${offset})`);
    add('Captured by', `ToolVersion ${b.toolVersion}, tool build ${b.toolBuild}, OS build ${b.osBuild} ${b.architectureName} ${b.osTypeName}`);
  }
  if (inv.opaqueRecords.length) add('Other records', inv.opaqueRecords.map((r) => `type ${r.type} (${r.hex.length / 2} bytes)`).join(', '));
  if (d.identity) add('Identity keys', d.identity.keys.join('  ') || '(none: every identifying field is a placeholder)');

  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) out.line(`  ${out.color.dim(k.padEnd(width))}  ${v}`);
}

function join(parts: (string | null | undefined | false)[]): string {
  return parts.filter((x): x is string => typeof x === 'string' && x.length > 0).join(' ');
}
