'use strict';
/*
 * A POS's whole sale with the installed @qr-hub/client, as plain CommonJS:
 * the install test copies this file into a folder where the packed packages
 * were installed and runs it there, so every `require` resolves from that
 * folder's node_modules, never from the hub's repository.
 *
 * Environment: QR_HUB_URL, QR_HUB_USER, QR_HUB_PASSWORD, QR_HUB_CA (a PEM
 * file). Prints JSON lines on stdout: `{"tranId": …}` once the QR code exists
 * (the wallet's scan is someone else's job), then `{"result": …}`.
 */
const { readFileSync } = require('node:fs');
const { QrHubClient, silentLogger } = require('@qr-hub/client');

const print = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

/** Where a module name resolves from here, or null when it does not. */
function resolvesTo(name) {
  try {
    return require.resolve(name);
  } catch {
    return null;
  }
}

async function main() {
  const username = process.env.QR_HUB_USER;
  const hub = new QrHubClient({
    hubUrl: process.env.QR_HUB_URL,
    username,
    password: process.env.QR_HUB_PASSWORD,
    ca: readFileSync(process.env.QR_HUB_CA, 'utf8'),
    timeoutMs: 30000,
    queueFile: 'data/pos-queue.sqlite',
    retry: { initialDelayMs: 50, maxDelayMs: 500, pollMs: 100 },
    logger: silentLogger,
  });
  try {
    hub.start();
    const shop = { id: username, name: 'Corner Shop' };
    const till = {
      client: shop,
      originator: {
        institution: shop,
        terminalId: 'TERM0001',
        merchant: {
          merchantType: '5411',
          merchantId: 'MERCHANT0000001',
          merchantName: { name: 'Corner Shop', city: 'Cape Town', region: 'WC', country: 'ZA' },
        },
      },
    };
    const amount = { amount: 1250, currency: '710' };
    const saleRef = [{ institutionId: username, transactionIdentifier: `SALE-${process.pid}` }];

    const qr = await hub.createQrCode({
      ...till,
      thirdPartyIdentifiers: saleRef,
      amounts: { requestAmount: amount },
      qrProperties: { value: amount, singleUse: true },
    });
    print({ tranId: qr.tranId });

    const paid = await hub.pay({
      ...till,
      thirdPartyIdentifiers: saleRef,
      tranType: 'GOODS_AND_SERVICES',
      amounts: { requestAmount: amount },
      tranId: qr.tranId,
    });
    let confirmation = null;
    if (paid.outcome === 'approved') {
      const queued = await hub.confirm(paid.response);
      confirmation = (await hub.waitForAdvice(queued.id, 30000)) ?? queued;
    }
    print({
      result: {
        tranId: qr.tranId,
        qrCode: qr.qrCode,
        paid,
        confirmation,
        notDone: hub.pendingAdvices(),
        queueFile: hub.queueFile,
        resolved: {
          '@qr-hub/client': resolvesTo('@qr-hub/client'),
          '@qr-hub/protocol': resolvesTo('@qr-hub/protocol'),
          'better-sqlite3': resolvesTo('better-sqlite3'),
          '@nestjs/core': resolvesTo('@nestjs/core'),
          typeorm: resolvesTo('typeorm'),
          pg: resolvesTo('pg'),
        },
      },
    });
  } finally {
    await hub.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
