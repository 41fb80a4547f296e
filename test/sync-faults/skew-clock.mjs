// Preloaded with `node --import` to run a real process whose clock is RXL_TEST_SKEW_MS off.
const skew = Number(process.env.RXL_TEST_SKEW_MS ?? 0);
const RealDate = Date;
class SkewedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + skew);
    else super(...args);
  }
  static now() {
    return RealDate.now() + skew;
  }
}
globalThis.Date = SkewedDate;
