import { ErrorBanner } from './error-banner';

/**
 * What stops a form: the problem found in the page before sending (schema check, with field paths)
 * and the console's refusal of the last attempt, each as an alert banner.
 */
export function FormProblems({ problem, error }: { problem: string | null | undefined; error: unknown }) {
  return (
    <>
      {problem ? (
        <div className="banner banner-error" role="alert">
          {problem}
        </div>
      ) : null}
      {error !== null && error !== undefined && <ErrorBanner error={error} />}
    </>
  );
}
