import { Injectable } from '@nestjs/common';
import { Clock } from '@app/clock/clock';
import { AppConfig } from '@app/config/app-config';
import { FormatError } from '@app/errors/hub-error';
import { PartnerLatency, PartnerVolume, PaymentStats, WindowFigures } from '@app/lifecycle/payment-stats.repository';
import { OutboxStats } from '@app/outbox/outbox-stats';

/** The dashboard's windows: the last hour or the last 24 hours, up to now. */
export const DASHBOARD_WINDOWS = { hour: 3_600_000, day: 86_400_000 } as const;
export type DashboardWindow = keyof typeof DASHBOARD_WINDOWS;

/** `?window=` as given: absent is the last hour; anything but `hour` or `day` is a FORMAT_ERROR. */
export function parseWindow(value: unknown): DashboardWindow {
  if (value === undefined || value === '') return 'hour';
  if (typeof value === 'string' && Object.hasOwn(DASHBOARD_WINDOWS, value)) return value as DashboardWindow;
  throw new FormatError('window must be hour or day');
}

/** The page's `?live=`: absent or `1` is a page that reloads itself, `0` a still one. */
export function parseLive(value: unknown): boolean {
  if (value === undefined || value === '' || value === '1') return true;
  if (value === '0') return false;
  throw new FormatError('live must be 1 or 0');
}

/** One partner's volume with its approval rate. */
export interface PartnerFigures extends PartnerVolume {
  /** approved / (approved + declined + unknown), 0–1; null when it answered nothing. */
  approvalRate: number | null;
}

/** One partner's share of the advice queue (the `qrhub_outbox_*` gauges). */
export interface PartnerBacklog {
  partnerId: string;
  pending: number;
  parked: number;
  /** Age of the oldest pending advice, in whole seconds (0 when none). */
  oldestPendingSeconds: number;
}

/** Every number the dashboard draws (`GET /admin/v1/dashboard`). */
export interface DashboardView {
  window: DashboardWindow;
  /** The window, epoch ms: payments answered at or after `from` and before `to`. */
  from: number;
  to: number;
  answered: { total: number; approved: number; declined: number; unknown: number; approvalRate: number | null };
  partners: PartnerFigures[];
  declinesByErrorType: WindowFigures['declinesByErrorType'];
  unknownByReason: WindowFigures['unknownByReason'];
  latency: PartnerLatency[];
  outbox: PartnerBacklog[];
  /** Late partner answers that disagree with the retailer's outcome (all time; the `qrhub_late_answers_disagreeing` gauge). */
  lateAnswersDisagreeing: number;
}

const rate = (approved: number, total: number): number | null =>
  total === 0 ? null : Math.round((approved / total) * 10_000) / 10_000;

/**
 * The dashboard's figures (docs/console/dashboard.md), from the shared
 * database so they cover every hub instance. The queue and the late answers
 * come from the same services as the Prometheus gauges, so the numbers match.
 */
@Injectable()
export class DashboardService {
  constructor(
    private readonly payments: PaymentStats,
    private readonly outbox: OutboxStats,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async view(window: DashboardWindow): Promise<DashboardView> {
    const to = this.clock.now();
    const from = to - DASHBOARD_WINDOWS[window];
    const [figures, queue, late] = await Promise.all([
      this.payments.window(from, to),
      this.outbox.perPartner(),
      this.payments.lateDisagreementCount(),
    ]);
    const answered = figures.volume.reduce(
      (t, v) => ({
        total: t.total + v.total,
        approved: t.approved + v.approved,
        declined: t.declined + v.declined,
        unknown: t.unknown + v.unknown,
      }),
      { total: 0, approved: 0, declined: 0, unknown: 0 },
    );
    return {
      window,
      from,
      to,
      answered: { ...answered, approvalRate: rate(answered.approved, answered.total) },
      partners: figures.volume.map((v) => ({ ...v, approvalRate: rate(v.approved, v.total) })),
      declinesByErrorType: figures.declinesByErrorType,
      unknownByReason: figures.unknownByReason,
      latency: figures.latency,
      outbox: this.backlog(queue),
      lateAnswersDisagreeing: late,
    };
  }

  /** Every configured partner (0 when its queue is empty, as the gauges report), then any other with advices. */
  private backlog(queue: Awaited<ReturnType<OutboxStats['perPartner']>>): PartnerBacklog[] {
    const byPartner = new Map<string, PartnerBacklog>();
    for (const p of this.config.hub.partners) {
      byPartner.set(p.id, { partnerId: p.id, pending: 0, parked: 0, oldestPendingSeconds: 0 });
    }
    for (const s of queue) {
      byPartner.set(s.partnerId, {
        partnerId: s.partnerId,
        pending: s.pending,
        parked: s.parked,
        oldestPendingSeconds: Math.floor(s.oldestPendingMs / 1000),
      });
    }
    return [...byPartner.values()];
  }
}
