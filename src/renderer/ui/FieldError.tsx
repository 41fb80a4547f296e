import { asSentence } from './number-field';

/** The id of a field's problem text, for aria-describedby. */
export function problemId(fieldId: string): string {
  return `${fieldId}-problem`;
}

/**
 * Spread on the field a problem belongs to: screen readers then say "invalid" and read the
 * problem with the field's label whenever the field gets focus.
 */
export function invalidProps(fieldId: string, problem: string | null | undefined): { 'aria-invalid'?: true; 'aria-describedby'?: string } {
  return problem ? { 'aria-invalid': true, 'aria-describedby': problemId(fieldId) } : {};
}

/**
 * A problem shown right under its field, where the eye already is, rather than in a banner at
 * the top of a long page. role="alert" has it read out as soon as it appears.
 */
export function FieldError({ fieldId, problem, testId, announce = true }: { fieldId: string; problem: string | null | undefined; testId?: string; announce?: boolean }) {
  if (!problem) return null;
  // announce=false where a form shows many problems at once: reading them all out together
  // helps nobody; each is read with its field when focus reaches it (aria-describedby).
  return (
    <p className="field-problem" id={problemId(fieldId)} role={announce ? 'alert' : undefined} data-testid={testId}>
      {asSentence(problem)}
    </p>
  );
}

/**
 * Brings the field with the problem to the person: scrolled to the middle of the screen (not
 * under a sticky header) and focused, so the next keystroke corrects it.
 */
export function focusProblemField(el: HTMLElement | null | undefined): void {
  if (!el) return;
  el.scrollIntoView({ block: 'center' });
  el.focus({ preventScroll: true });
}

/** The first field marked invalid inside a form, brought into view and focused; false if none. */
export function focusFirstInvalid(root: HTMLElement | null | undefined): boolean {
  const el = root?.querySelector<HTMLElement>('[aria-invalid="true"]');
  focusProblemField(el);
  return !!el;
}
