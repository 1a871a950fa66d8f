import { Router } from 'express';

export function calendarRouter(): Router {
  const router = Router();
  return router;
}
