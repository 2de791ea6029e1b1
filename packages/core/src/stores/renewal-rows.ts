/**
 * What the SQL adapters share for sealed envelopes and service orders: the column lists, the values
 * they write, and the reading of rows back into records.
 */
import { ORDER_KINDS, ORDER_STATES } from '../renewal/orders';
import type { RowReader, Row } from './rows';
import type { SealedEnvelope, SealedEnvelopeStatus, ServiceOrder, ServiceOrderKind, ServiceOrderState } from './types';

/** The columns of yizheng_sealed_envelopes, in the order {@link envelopeValues} writes them. */
export const ENVELOPE_COLUMNS =
  'id, project_id, bid_id, account_id, organization_id, recipient_sha256, recipient_serial, recipient_issuer_dn, recipient_provider_id, sealed_at, opens_at, status, opened_at, withdrawn_at';

/** The columns of yizheng_service_orders, in the order {@link orderValues} writes them. */
export const ORDER_COLUMNS =
  'id, kind, state, account_id, organization_id, provider_id, cert_serial, cert_sha256, reference, created_at, updated_at';

/** Every column of an envelope, in {@link ENVELOPE_COLUMNS} order. */
export function envelopeValues<V>(e: SealedEnvelope, time: (value: Date) => V): (string | null | V)[] {
  return [
    e.id,
    e.projectId,
    e.bidId,
    e.accountId,
    e.organizationId,
    e.recipient.sha256,
    e.recipient.serialNumber,
    e.recipient.issuerDn,
    e.recipient.providerId ?? null,
    time(e.sealedAt),
    time(e.opensAt),
    e.status,
    e.openedAt === undefined ? null : time(e.openedAt),
    e.withdrawnAt === undefined ? null : time(e.withdrawnAt),
  ];
}

/** Every column of an order, in {@link ORDER_COLUMNS} order. */
export function orderValues<V>(o: ServiceOrder, time: (value: Date) => V): (string | null | V)[] {
  return [
    o.id,
    o.kind,
    o.state,
    o.accountId,
    o.organizationId,
    o.providerId ?? null,
    o.certificate?.serialNumber ?? null,
    o.certificate?.sha256 ?? null,
    o.reference ?? null,
    time(o.createdAt),
    time(o.updatedAt),
  ];
}

const STATUSES: readonly string[] = ['sealed', 'opened', 'withdrawn'];

function optDate(r: RowReader, row: Row, column: string): Date | undefined {
  return row[column] === null || row[column] === undefined ? undefined : r.date(row, column);
}

/** An envelope row as a record. */
export function readEnvelope(r: RowReader, row: Row): SealedEnvelope {
  const status = r.str(row, 'status');
  if (!STATUSES.includes(status)) throw r.corrupt('status');
  const providerId = r.optStr(row, 'recipient_provider_id');
  let e: SealedEnvelope = {
    id: r.str(row, 'id'),
    projectId: r.str(row, 'project_id'),
    bidId: r.str(row, 'bid_id'),
    accountId: r.str(row, 'account_id'),
    organizationId: r.str(row, 'organization_id'),
    recipient: {
      sha256: r.str(row, 'recipient_sha256'),
      serialNumber: r.str(row, 'recipient_serial'),
      issuerDn: r.str(row, 'recipient_issuer_dn'),
      ...(providerId !== undefined && { providerId }),
    },
    sealedAt: r.date(row, 'sealed_at'),
    opensAt: r.date(row, 'opens_at'),
    status: status as SealedEnvelopeStatus,
  };
  const openedAt = optDate(r, row, 'opened_at');
  if (openedAt !== undefined) e = { ...e, openedAt };
  const withdrawnAt = optDate(r, row, 'withdrawn_at');
  if (withdrawnAt !== undefined) e = { ...e, withdrawnAt };
  return e;
}

/** An order row as a record. */
export function readOrder(r: RowReader, row: Row): ServiceOrder {
  const kind = r.str(row, 'kind');
  const state = r.str(row, 'state');
  if (!(ORDER_KINDS as readonly string[]).includes(kind)) throw r.corrupt('kind');
  if (!(ORDER_STATES as readonly string[]).includes(state)) throw r.corrupt('state');
  let o: ServiceOrder = {
    id: r.str(row, 'id'),
    kind: kind as ServiceOrderKind,
    state: state as ServiceOrderState,
    accountId: r.str(row, 'account_id'),
    organizationId: r.str(row, 'organization_id'),
    createdAt: r.date(row, 'created_at'),
    updatedAt: r.date(row, 'updated_at'),
  };
  const providerId = r.optStr(row, 'provider_id');
  if (providerId !== undefined) o = { ...o, providerId };
  const serialNumber = r.optStr(row, 'cert_serial');
  const sha256 = r.optStr(row, 'cert_sha256');
  if (serialNumber !== undefined && sha256 !== undefined) o = { ...o, certificate: { serialNumber, sha256 } };
  const reference = r.optStr(row, 'reference');
  if (reference !== undefined) o = { ...o, reference };
  return o;
}
