import { Router } from 'express';

export function agenciesRouter(): Router {
  const router = Router();
  return router;
}
