import { Router } from 'express';

export function auditRouter(): Router {
  const router = Router();
  return router;
}
