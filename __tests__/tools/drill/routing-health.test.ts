/** The health Route 53 routes on, from the checkers' reports (the 18 % rule, inversion per check). */
import { routingHealth, type CheckerReport } from "../../../tools/drill/route53";

function reports(successes: number, total: number, checkedAt = 1_000): CheckerReport[] {
  return Array.from({ length: total }, (_, index) => ({
    checker: `us-east-1/15.177.${index}.1`,
    success: index < successes,
    checkedAt,
    status: index < successes ? "Success: HTTP Status Code 200, OK" : "Failure: Connection timed out",
  }));
}

const notInverted = () => false;

test("healthy when more than 18 % of the checkers report healthy", () => {
  expect(routingHealth(reports(3, 16), notInverted)).toEqual({ status: "healthy", healthyCheckers: 3, checkers: 16 }); // 18.75 %
  expect(routingHealth(reports(2, 16), notInverted)).toEqual({ status: "unhealthy", healthyCheckers: 2, checkers: 16 }); // 12.5 %
  expect(routingHealth(reports(9, 50), notInverted).status).toBe("unhealthy"); // exactly 18 %
});

test("no reports at all is not healthy", () => {
  expect(routingHealth([], notInverted)).toEqual({ status: "unhealthy", healthyCheckers: 0, checkers: 0 });
});

test("a report counts inverted only when its check ran while the inversion was in force", () => {
  const before = reports(16, 8, 1_000);
  const after = reports(16, 8, 5_000);
  const invertedFrom4000 = (checkedAt: number | undefined) => checkedAt !== undefined && checkedAt >= 4_000;
  // Half the checkers checked since the inversion: 8 of 16 still count healthy.
  expect(routingHealth([...before, ...after], invertedFrom4000)).toEqual({ status: "healthy", healthyCheckers: 8, checkers: 16 });
  expect(routingHealth(after, invertedFrom4000)).toEqual({ status: "unhealthy", healthyCheckers: 0, checkers: 8 });
  // An inverted check of a failing endpoint counts healthy, as Route 53 documents.
  expect(routingHealth(reports(0, 4, 5_000), invertedFrom4000).status).toBe("healthy");
});
