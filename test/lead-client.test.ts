/**
 * How the API's lead-workflow client tells failures apart: by the SDK's error types and the gRPC status in
 * the cause chain, never by message text. (The routes' answers built on this run against the real stack in
 * lead-api, honest-answers, api-unavailable and tracking.)
 */
import {
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  isTemporalUnavailable,
  isUpdateLate,
  isUpdateRejected,
  isWorkflowGone,
  refusalMessage,
} from '../api/lead-client';

/** What grpc-js throws: an Error with a numeric status code, details and metadata. */
function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
}

describe('classifying lead-workflow failures', () => {
  it('takes a WorkflowNotFoundError, or NOT_FOUND anywhere in the cause chain, as a workflow that has ended', () => {
    expect(isWorkflowGone(new WorkflowNotFoundError('workflow execution already completed', 'lead-1', undefined))).toBe(
      true,
    );
    expect(isWorkflowGone(new ServiceError('Failed to signal', { cause: grpcError(5, 'not found') }))).toBe(true);
  });

  it('does not read the message: an error that only says "not found" is not a workflow gone', () => {
    expect(isWorkflowGone(new Error('lead not found in the cache'))).toBe(false);
    expect(isWorkflowGone(new ServiceError('Failed', { cause: grpcError(14, 'not found: no route') }))).toBe(false);
  });

  it('takes UNAVAILABLE and DEADLINE_EXCEEDED, wrapped or not, as Temporal unreachable, and nothing else', () => {
    expect(isTemporalUnavailable(grpcError(14, 'Connection refused'))).toBe(true);
    expect(
      isTemporalUnavailable(new ServiceError('Failed to start', { cause: grpcError(4, 'Deadline exceeded') })),
    ).toBe(true);
    expect(
      isTemporalUnavailable(new ServiceError('Failed', { cause: grpcError(3, 'unavailable deadline connect') })),
    ).toBe(false);
    expect(isTemporalUnavailable(new Error('14 UNAVAILABLE: connect ECONNREFUSED'))).toBe(false);
  });

  it('tells a refused update (409) from one whose answer is late (202 or 503)', () => {
    const refused = new WorkflowUpdateFailedError(
      'Workflow Update failed',
      ApplicationFailure.nonRetryable('The lead is converted: it takes no outcome', 'LeadClosed'),
    );
    expect(isUpdateRejected(refused)).toBe(true);
    expect(isUpdateLate(refused)).toBe(false);
    expect(refusalMessage(refused)).toBe('The lead is converted: it takes no outcome');

    const late = new WorkflowUpdateRPCTimeoutOrCancelledError('timed out', {
      cause: grpcError(4, 'Deadline exceeded'),
    });
    expect(isUpdateLate(late)).toBe(true);
    expect(isUpdateRejected(late)).toBe(false);
    expect(isUpdateLate(new ServiceError('Failed', { cause: grpcError(14, 'Connection refused') }))).toBe(true);
  });
});
