/**
 * What `rxledger serve` (and so `npm start` in browser mode) prints once it is ready. The
 * address to open comes last, alone on its line, so it is the line a person's eye lands on and
 * a terminal makes clickable; other lines carry no address with a scheme, because opening the
 * POS API's address in a browser only shows a JSON refusal.
 */
export function startBanner(input: { facilityId: string; dataDir: string; url: string; serviceLines: readonly string[] }): string {
  return [
    `RxLedger workstation (browser mode) for facility ${input.facilityId}, data in ${input.dataDir}`,
    ...input.serviceLines,
    'Open this address in a browser on this computer:',
    input.url,
  ]
    .map((l) => `${l}\n`)
    .join('');
}
