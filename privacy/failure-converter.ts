/**
 * Failure messages and stack traces travel as an encoded payload, not as plain text in history:
 * an error message can quote a person (an SMTP refusal names the recipient). Loaded by path, so
 * the workflow bundle uses the same converter as the worker and the clients.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
