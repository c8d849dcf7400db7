// Which phase a call is in, as its phase strip shows it. A call's `currentPhase` is the label
// the pipeline last set ("Connecting" until the first updateCallPhase, as the spec seeds it),
// while the strip's first phase is active from the start: the page names the strip's.

/** The active phase's name; once none is active (the call ended), the last phase reached. */
export function phaseNow(call, phases = []) {
  const sorted = [...phases].sort((a, b) => a.order - b.order);
  const active = sorted.find((phase) => phase.status === "ACTIVE");
  if (active) return active.phase;
  const reached = sorted
    .filter((phase) => phase.startTime)
    .sort((a, b) => new Date(a.startTime) - new Date(b.startTime) || a.order - b.order);
  return reached.at(-1)?.phase ?? call.currentPhase;
}
