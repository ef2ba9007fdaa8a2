#!/usr/bin/env node
// Writes examples/data/mcs-daemons.jsonl: MCS rows (one JSON document a line) of one Persistent
// Store, one DRO with two endpoint portals and one SRS with two clients, published every 5 s for
// 6 intervals, healthy, in the shape ../shared/formats/um-daemons.md documents (64-bit counters as
// strings, defaults printed). Made here, not copied from any capture.
//   node test/gen/mcs-daemons.mjs [OUT]
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'data', 'mcs-daemons.jsonl');
const T0 = 1764928800; // 2025-12-05 10:00:00 UTC
const attrs = (app, ip, pid, t) => ({ senderIpv4Address: ip, timestamp: String(t), applicationId: app, objectId: '0', processId: String(pid), contextInstance: '', domainId: 0 });
const rows = [];
rows.push({ attributes: attrs('store_orders', '10.20.1.20', 4101, T0), configs: {
  storeName: 'store_orders', lbmVersion: 'UMP 6.17', maxRetransmissionProcessingRate: 262144, srcCount: 1, diskCacheDirName: '/var/ume/cache',
  topicConfigs: [{ topicName: 'orders', repoConfigs: [{ srcRegid: 1001, repoSzThreshold: 1024, repoSzLimit: 48000000, repoDiskSzLimit: '104857600', repositoryType: 'REPO_TYPE_DISK', rcvConfigs: [{ rcvRegid: 2001 }] }] }],
} });
for (let i = 0; i < 6; i++) {
  const t = T0 + 5 * i;
  const lead = 100 + 40 * i;
  rows.push({ attributes: attrs('store_orders', '10.20.1.20', 4101, t), stats: {
    storeIdx: 0, umeRetxReqRcvCount: 3 * i, umeRetxReqServicedCount: 3 * i, umeRetxReqDropCount: 0, umeRetxReqTotalDropped: 0, umeRetxStatInterval: 5 * i, srcCount: 1,
    smartHeapStat: { poolsize: '312064032', poolcount: '41' },
    srcRepoStats: [{ srcRegid: 1001, topicName: 'orders', messageMapSz: String(lead), memorySz: String(2048 + 300 * i), rppMemorySz: '0', leadSqn: lead, syncSqn: lead, syncCompleteSqn: lead, trailSqn: 0, memTrailSqn: lead - 30, contigSqn: lead,
      highUlbSqn: 0, mapIntentionalDrops: 0, uls: '0', ulbs: '0', szLimitDrops: '0', flags: 2, rcvrCount: 1, lastActivityTimestampSec: String(t - 1),
      srcDiskStat: { maxOffset: '104857600', numIosPending: '0', numReadIosPending: '0', startOffset: '0', offset: String(4096 * (i + 1)) },
      rcvStats: [{ rcvRegid: 2001, highAckSqn: lead - 2, flags: 133, lastActivityTimestampSec: String(t - 2) }] }],
  } });
  const counters = (n) => ({ transportTopicFragmentsRcvd: String(n), unicastDataMsgsRcvdNoStream: '0', unicastDataMsgsDroppedNoRoute: '0', unicastCntlMsgsRcvdNoStream: '0', unicastCntlMsgsDroppedNoRoute: '0' });
  const send = (n) => ({ transportTopicFragmentsSent: String(n), transportTopicFragmentsDroppedWouldBlock: '0', transportTopicFragmentsDroppedError: '0', transportTopicFragmentsDroppedSizeError: '0', transportTopicFragmentsDroppedNotOperational: '0', transportTopicFragmentsDroppedQueueFailure: '0', dataBytesEnqueued: '0', dataBytesEnqueuedMax: '512', dataBytesEnqueuedLimit: '1000000' });
  rows.push({ attributes: attrs('dro_east', '10.20.1.30', 5202, t), stats: {
    local: { gatewayName: 'dro_east', gatewayId: '1277164139609339393', version: 2, topologySignature: 2758615857, graphVersion: 2, gatewayCount: 1, trdCount: 2, recalcDurationSec: '0', recalcDurationUsec: '95' },
    portals: ['TRD1', 'TRD2'].map((name, k) => ({ portalName: name, portalIndex: k, cost: 1, proxyReceivers: 1, proxySources: 1, endpoint: { domainId: k + 1, receive: counters(50 * i), send: send(50 * i) } })),
    otherGateways: [],
  } });
  rows.push({ attributes: attrs('srs_main', '10.20.1.40', 6303, t), stats: { srs: { activeClientsCount: '2', clientsConnectsCount: '2', clientsActiveRtirCount: '2', clientsActiveDirCount: '2', clientsExpiredSirCount: '0', clientsExpiredDirCount: '0' } } });
  for (const [port, sid] of [[40001, '0x1a2b3c4d'], [40002, '0x5e6f7a8b']]) {
    const info = { ip: '10.20.1.30', port, sessionId: sid };
    rows.push({ attributes: attrs('srs_main', '10.20.1.40', 6303, t), stats: { umClient: { umClientInfo: info, clientRtirReceivedCount: String(i), recordQueueDepth: '0' } } });
    rows.push({ attributes: attrs('srs_main', '10.20.1.40', 6303, t), stats: { umClientError: { umClientInfo: info, clientDuplicateRirReceivedCount: '0', clientInvalidSrsMessageReceivedCount: '0' } } });
  }
}
writeFileSync(out, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
console.log(`wrote ${rows.length} rows to ${out}`);
