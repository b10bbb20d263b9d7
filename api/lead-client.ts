/**
 * The API's one client for the lead workflow: the handle, the deadline every call runs under,
 * signal-with-start for captures, signals, updates and queries, and what a failure means, told by
 * the error's type and gRPC status, never by its message. Every route reaches Temporal through it.
 */
import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  WorkflowUpdateStage,
  type Client,
  type WorkflowHandle,
  type WorkflowUpdateHandle,
} from '@temporalio/client';
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { temporal as temporalProto } from '@temporalio/proto';
import type { leadWorkflow } from '../workflows';
import {
  captureSignal,
  leadStateQuery,
  leadWorkflowId,
  type CaptureTouch,
  type LeadState,
  type LeadWorkflowInput,
  SearchAttributes,
} from '../workflows/contracts';

/** gRPC status codes (the SDK does not re-export grpc-js's enum). */
const GRPC = { DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, UNAVAILABLE: 14 } as const;
/** Temporal could not be reached in time. */
const UNREACHABLE = new Set<number>([GRPC.DEADLINE_EXCEEDED, GRPC.UNAVAILABLE]);
const GONE = new Set<number>([GRPC.NOT_FOUND]);

/** The error and its causes, outermost first (the SDK wraps a gRPC error in a `ServiceError`). */
function* causes(err: unknown): Generator<{ code?: unknown; cause?: unknown }> {
  for (
    let e = err as { code?: unknown; cause?: unknown } | undefined;
    e && typeof e === 'object';
    e = e.cause as typeof e
  )
    yield e;
}

function hasGrpcStatus(err: unknown, codes: Set<number>): boolean {
  for (const e of causes(err)) if (typeof e.code === 'number' && codes.has(e.code)) return true;
  return false;
}

/** Temporal could not be reached, or did not answer before the deadline: nothing is known to have arrived. */
export function isTemporalUnavailable(err: unknown): boolean {
  return hasGrpcStatus(err, UNREACHABLE);
}

/** The lead's workflow has ended (converted, disqualified, its year over, erased) or never existed. */
export function isWorkflowGone(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || hasGrpcStatus(err, GONE);
}

/** The workflow refused the update (its validator or handler threw): the lead cannot take the change. */
export function isUpdateRejected(err: unknown): err is WorkflowUpdateFailedError {
  return err instanceof WorkflowUpdateFailedError;
}

/** The deadline passed, or Temporal could not be reached: whether the update arrived is not known from the error. */
export function isUpdateLate(err: unknown): boolean {
  return err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isTemporalUnavailable(err);
}

/** Why the workflow refused an update, in its own words. */
export function refusalMessage(err: WorkflowUpdateFailedError): string {
  return err.cause?.message ?? err.message;
}

export interface LeadClientOptions {
  temporal: Client;
  taskQueue: string;
  /** How long a call waits for Temporal before the caller answers 503 (or 202 for an update that arrived). */
  deadlineMs: number;
  /** Policy overrides for new lead workflows (tests; a compressed clock for demos). */
  workflowOptions?: Pick<LeadWorkflowInput, 'policy' | 'historyLimit' | 'timeScale'>;
}

export interface StartOrSignal {
  input: LeadWorkflowInput;
  touch: CaptureTouch;
  /** The lead's stored stage, the workflow's first `LeadStage`. */
  stage: string;
  /** Shown in the Temporal UI for the workflow's whole life: nothing that goes stale, no personal data. */
  staticSummary: string;
}

/** The lead workflow as the API sees it; built once per app. */
export function createLeadClient({ temporal, taskQueue, deadlineMs, workflowOptions }: LeadClientOptions) {
  const lifecycle = temporalProto.api.enums.v1.UpdateWorkflowExecutionLifecycleStage;
  const handle = (leadId: string): WorkflowHandle<typeof leadWorkflow> =>
    temporal.workflow.getHandle(leadWorkflowId(leadId));
  /** Runs one call to Temporal until `until` (epoch ms), by default the deadline from now. */
  const withDeadline = <T>(fn: () => Promise<T>, until = Date.now() + deadlineMs): Promise<T> =>
    temporal.connection.withDeadline(until, fn);
  /** A shorter wait than the deadline, for reads that must not hold a request long. */
  const within = (waitMs: number) => Date.now() + Math.min(waitMs, deadlineMs);

  return {
    /** When calls started now must end: pass it to several calls that share one deadline. */
    deadline: () => Date.now() + deadlineMs,

    /**
     * R2, R3: the capture signal to the lead's workflow, started if it is not running (a new lead, or a
     * new run of a closed one). Durable in Temporal even while no worker runs.
     */
    signalWithStart({ input, touch, stage, staticSummary }: StartOrSignal): Promise<unknown> {
      return withDeadline(() =>
        temporal.workflow.signalWithStart<typeof leadWorkflow, [CaptureTouch]>('leadWorkflow', {
          workflowId: leadWorkflowId(input.leadId),
          taskQueue,
          args: [{ ...workflowOptions, ...input }],
          signal: captureSignal,
          signalArgs: [touch],
          workflowIdConflictPolicy: 'USE_EXISTING',
          typedSearchAttributes: [
            { key: SearchAttributes.LeadStage, value: stage },
            { key: SearchAttributes.LeadSource, value: input.source.channel },
          ],
          staticSummary,
        }),
      );
    },

    /** Signals the lead's workflow; false when it has ended (nothing to tell), throws when Temporal is unreachable. */
    async signal<A extends unknown[]>(leadId: string, definition: SignalDefinition<A>, ...args: A): Promise<boolean> {
      try {
        await withDeadline(() => handle(leadId).signal(definition, ...args));
        return true;
      } catch (err) {
        if (isWorkflowGone(err)) return false;
        throw err;
      }
    },

    /** Sends an update and waits until the workflow accepted it (its id makes a repeat apply once). */
    startUpdate<A>(
      leadId: string,
      definition: UpdateDefinition<LeadState, [A]>,
      arg: A,
      { updateId, until }: { updateId: string; until?: number },
    ): Promise<WorkflowUpdateHandle<LeadState>> {
      return withDeadline(
        () =>
          handle(leadId).startUpdate(definition, { args: [arg], updateId, waitForStage: WorkflowUpdateStage.ACCEPTED }),
        until,
      );
    },

    /** The answer of an accepted update, by its handle or by its id (a request answered 202 earlier). */
    updateResult(
      leadId: string,
      update: WorkflowUpdateHandle<LeadState> | string,
      { until, waitMs }: { until?: number; waitMs?: number } = {},
    ): Promise<LeadState> {
      const updateHandle = typeof update === 'string' ? handle(leadId).getUpdateHandle<LeadState>(update) : update;
      return withDeadline(() => updateHandle.result(), waitMs !== undefined ? within(waitMs) : until);
    },

    /** Whether Temporal holds the update (admitted or further); false when it does not know it or cannot be reached. */
    async updateReceived(leadId: string, updateId: string, waitMs: number): Promise<boolean> {
      try {
        const response = await withDeadline(
          () =>
            temporal.workflowService.pollWorkflowExecutionUpdate({
              namespace: temporal.options.namespace,
              updateRef: { workflowExecution: { workflowId: leadWorkflowId(leadId) }, updateId },
              identity: temporal.options.identity,
              waitPolicy: { lifecycleStage: lifecycle.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED },
            }),
          within(waitMs),
        );
        return (response.stage ?? 0) >= lifecycle.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED;
      } catch {
        return false;
      }
    },

    /** The live state of a running lead; null when its workflow has ended. */
    async state(leadId: string): Promise<LeadState | null> {
      try {
        const description = await withDeadline(() => handle(leadId).describe());
        if (description.status.name !== 'RUNNING') return null;
        return await withDeadline(() => handle(leadId).query(leadStateQuery));
      } catch (err) {
        if (isWorkflowGone(err)) return null;
        throw err;
      }
    },

    /** Ends the lead's workflow at once; false when it had already ended. */
    async terminate(leadId: string, reason: string): Promise<boolean> {
      try {
        await withDeadline(() => handle(leadId).terminate(reason));
        return true;
      } catch (err) {
        if (isWorkflowGone(err)) return false;
        throw err;
      }
    },
  };
}

export type LeadClient = ReturnType<typeof createLeadClient>;
